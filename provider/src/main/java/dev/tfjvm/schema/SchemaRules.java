package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyConform;
import dev.tfjvm.cty.CtyType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules Terraform applies to every schema it loads (a violation makes the whole provider
 * unusable), checked when the provider starts so the author sees the precise problem instead.
 */
public final class SchemaRules {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]+");

    private SchemaRules() {}

    /** Every rule violation, each naming where it is; empty when the schema is valid. */
    public static List<String> problems(String owner, Schema schema) {
        List<String> out = new ArrayList<>();
        if (schema.version() < 0) {
            out.add(owner + ": schema version must be >= 0");
        }
        checkBlock(owner, schema.block(), false, out);
        return out;
    }

    /** {@link #problems(String, Schema)}, and cross-attribute validators naming attributes the schema lacks. */
    public static List<String> problems(String owner, Schema schema, List<ConfigValidator> validators) {
        List<String> out = problems(owner, schema);
        for (ConfigValidator v : validators) {
            for (String name : v.attributes()) {
                if (schema.block().attribute(name).isEmpty()) {
                    out.add(owner + ": validator \"" + v.describe() + "\" names " + name
                            + ", which is not an attribute");
                }
            }
        }
        return out;
    }

    private static void checkBlock(String where, Block block, boolean insideSet, List<String> out) {
        Set<String> names = new HashSet<>();
        for (Attribute a : block.attributes()) {
            String at = where + "." + a.name();
            if (!names.add(a.name())) {
                out.add(at + ": name used twice");
            }
            checkAttribute(at, a, insideSet, out);
        }
        for (NestedBlock b : block.blocks()) {
            String at = where + "." + b.typeName();
            if (!NAME.matcher(b.typeName()).matches()) {
                out.add(at + ": block type names may contain only a-z, 0-9 and _");
            }
            if (!names.add(b.typeName())) {
                out.add(at + ": name is used by both an attribute and a block, or twice");
            }
            switch (b.nesting()) {
                case SINGLE -> {
                    if (b.minItems() != b.maxItems() || b.minItems() > 1) {
                        out.add(at + ": a SINGLE block must have min_items = max_items = 0 or 1");
                    }
                }
                case GROUP, MAP -> {
                    if (b.minItems() != 0 || b.maxItems() != 0) {
                        out.add(at + ": " + b.nesting() + " blocks cannot set min_items or max_items");
                    }
                }
                case LIST, SET -> {
                    if (b.minItems() < 0 || b.maxItems() < 0 || (b.maxItems() > 0 && b.minItems() > b.maxItems())) {
                        out.add(at + ": min_items must be <= max_items, both >= 0");
                    }
                }
            }
            checkBlock(at, b.block(), insideSet || b.nesting() == Nesting.SET, out);
        }
    }

    private static void checkAttribute(String at, Attribute a, boolean insideSet, List<String> out) {
        if (!NAME.matcher(a.name()).matches()) {
            out.add(at + ": attribute names may contain only a-z, 0-9 and _");
        }
        if (!a.required() && !a.optional() && !a.computed()) {
            out.add(at + ": must be required, optional or computed");
        }
        if (a.required() && a.optional()) {
            out.add(at + ": cannot be both required and optional");
        }
        if (a.required() && a.computed()) {
            out.add(at + ": cannot be both required and computed");
        }
        if (a.writeOnly() && a.computed()) {
            out.add(at + ": a write-only attribute cannot be computed");
        }
        if (a.writeOnly() && insideSet) {
            out.add(at + ": write-only attributes are not allowed inside set nesting");
        }
        if (insideSet && containsDynamic(a.type())) {
            out.add(at + ": dynamic types are not allowed inside set nesting");
        }
        for (Validator v : a.validators()) {
            if (!v.accepts(a.type())) {
                String what = v.describe().isEmpty() ? v.getClass().getName() : "\"" + v.describe() + "\"";
                out.add(at + ": validator " + what + " cannot check a "
                        + a.type().friendlyName() + " attribute");
            }
        }
        a.defaultValue().ifPresent(d -> {
            if (!a.optional() || !a.computed()) {
                out.add(at + ": a default value needs the attribute to be optional and computed");
            }
            List<String> conform = CtyConform.problems(d, a.type());
            if (!conform.isEmpty()) {
                out.add(at + ": default value does not fit the attribute's type: " + conform);
            }
        });
        a.nested().ifPresent(n -> {
            boolean set = insideSet || n.nesting() == Nesting.SET;
            Set<String> names = new HashSet<>();
            for (Attribute inner : n.attributes()) {
                if (!names.add(inner.name())) {
                    out.add(at + "." + inner.name() + ": name used twice");
                }
                checkAttribute(at + "." + inner.name(), inner, set, out);
            }
        });
    }

    private static boolean containsDynamic(CtyType t) {
        if (t == CtyType.DYNAMIC) {
            return true;
        }
        if (t instanceof CtyType.ListType l) {
            return containsDynamic(l.element());
        }
        if (t instanceof CtyType.SetType s) {
            return containsDynamic(s.element());
        }
        if (t instanceof CtyType.MapType m) {
            return containsDynamic(m.element());
        }
        if (t instanceof CtyType.ObjectType o) {
            return o.attributes().values().stream().anyMatch(SchemaRules::containsDynamic);
        }
        if (t instanceof CtyType.TupleType tt) {
            return tt.elements().stream().anyMatch(SchemaRules::containsDynamic);
        }
        return false;
    }
}
