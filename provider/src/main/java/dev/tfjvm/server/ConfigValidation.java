package dev.tfjvm.server;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.ConfigValidator;
import dev.tfjvm.schema.Deprecation;
import dev.tfjvm.schema.Description;
import dev.tfjvm.schema.NestedBlock;
import dev.tfjvm.schema.Validator;
import java.util.List;
import java.util.function.Consumer;

/** Runs the schema's validators over a configuration and warns about deprecated attributes in use. */
final class ConfigValidation {
    private ConfigValidation() {}

    static void validate(Block block, CtyValue config, boolean writeOnlyAllowed, Diagnostics d) {
        object(block, CtyPath.ROOT, config, writeOnlyAllowed, d);
    }

    /**
     * The schema's validators and the cross-attribute {@code validators}, then the author's own check ({@code authorCheck}), reporting one
     * error per problem: an author error at (or inside) an attribute the schema validators already
     * found invalid is the same problem told twice, so it is dropped.
     */
    static void validateThen(
            Block block,
            List<ConfigValidator> validators,
            CtyValue config,
            boolean writeOnlyAllowed,
            Diagnostics d,
            Consumer<Diagnostics> authorCheck) {
        List<Diagnostic> nulls = nullElements(block, CtyPath.ROOT, config);
        if (!nulls.isEmpty()) {
            // The author's code reads objects from these collections: it is not given a null one.
            d.addAll(nulls);
            return;
        }
        Diagnostics schema = new Diagnostics();
        validate(block, config, writeOnlyAllowed, schema);
        if (config instanceof CtyValue.ObjectVal o) {
            validators.forEach(v -> v.validate(o, schema));
        }
        d.addAll(schema.all());
        if (config.isNull()) {
            return;
        }
        List<CtyPath> invalid = schema.all().stream()
                .filter(Diagnostic::isError)
                .flatMap(e -> e.path().stream())
                .toList();
        Diagnostics author = new Diagnostics();
        authorCheck.accept(author);
        for (Diagnostic e : author.all()) {
            boolean told = e.isError()
                    && e.path()
                            .filter(p -> invalid.stream().anyMatch(i -> i.isPrefixOf(p)))
                            .isPresent();
            if (!told) {
                d.add(e);
            }
        }
    }

    /**
     * The schema's validators and the cross-attribute {@code validators} once more, for a
     * configuration that is about to be planned, configured or read with: Terraform validates
     * first, but a value validate saw as unknown is checked only now, and an RPC may come without
     * a validation at all. Adds only the errors (validate gave the warnings already) and says
     * whether there were any: the provider's code then never sees a value its schema refuses.
     */
    static boolean refuses(Block block, List<ConfigValidator> validators, CtyValue config, Diagnostics d) {
        if (config.isNull()) {
            return false;
        }
        List<Diagnostic> nulls = nullElements(block, CtyPath.ROOT, config);
        if (!nulls.isEmpty()) {
            d.addAll(nulls);
            return true;
        }
        Diagnostics schema = new Diagnostics();
        validate(block, config, true, schema);
        if (config instanceof CtyValue.ObjectVal o) {
            validators.forEach(v -> v.validate(o, schema));
        }
        List<Diagnostic> errors =
                schema.all().stream().filter(Diagnostic::isError).toList();
        d.addAll(errors);
        return !errors.isEmpty();
    }

    /**
     * A null element of a nested attribute's list, set or map ({@code memory = [null]}): Terraform
     * lets it through (nested attributes, unlike blocks, may be assigned null), but it is no object
     * of the nested schema, so it is an error on the element and the provider never reads it.
     */
    private static List<Diagnostic> nullElements(Block block, CtyPath path, CtyValue obj) {
        List<Diagnostic> out = new java.util.ArrayList<>();
        if (!(obj instanceof CtyValue.ObjectVal o)) {
            return out;
        }
        for (Attribute a : block.attributes()) {
            if (a.nested().isEmpty()) {
                continue;
            }
            CtyPath p = path.attr(a.name());
            CtyValue v = o.get(a.name());
            Block inner = new Block(a.nested().get().attributes(), List.of(), Description.NONE, Deprecation.NONE);
            java.util.function.BiConsumer<CtyPath, CtyValue> element = (at, e) -> {
                if (e.isNull()) {
                    out.add(Diagnostic.error(
                            at,
                            "Null element in " + a.name(),
                            at + " is null: each element of " + p + " must be an object. Remove the null element."));
                } else {
                    out.addAll(nullElements(inner, at, e));
                }
            };
            if (v instanceof CtyValue.ListVal l) {
                for (int i = 0; i < l.elements().size(); i++) {
                    element.accept(p.index(i), l.elements().get(i));
                }
            } else if (v instanceof CtyValue.SetVal s) {
                s.elements().forEach(e -> element.accept(p, e));
            } else if (v instanceof CtyValue.MapVal m) {
                m.entries().forEach((k, e) -> element.accept(p.key(k), e));
            } else {
                out.addAll(nullElements(inner, p, v));
            }
        }
        for (NestedBlock b : block.blocks()) {
            CtyValue v = o.get(b.typeName());
            CtyPath p = path.attr(b.typeName());
            if (v instanceof CtyValue.ListVal l) {
                for (int i = 0; i < l.elements().size(); i++) {
                    out.addAll(nullElements(b.block(), p.index(i), l.elements().get(i)));
                }
            } else if (v instanceof CtyValue.SetVal s) {
                s.elements().forEach(e -> out.addAll(nullElements(b.block(), p, e)));
            } else if (v instanceof CtyValue.MapVal m) {
                m.entries().forEach((k, e) -> out.addAll(nullElements(b.block(), p.key(k), e)));
            } else {
                out.addAll(nullElements(b.block(), p, v));
            }
        }
        return out;
    }

    private static void object(Block block, CtyPath path, CtyValue obj, boolean writeOnlyAllowed, Diagnostics d) {
        if (!(obj instanceof CtyValue.ObjectVal o)) {
            return;
        }
        for (Attribute a : block.attributes()) {
            CtyPath p = path.attr(a.name());
            CtyValue v = o.get(a.name());
            if (v.isNull()) {
                continue;
            }
            if (a.writeOnly() && !writeOnlyAllowed) {
                d.error(
                        p,
                        "Write-only attribute not supported by this Terraform",
                        "\"" + p + "\" is write-only, which needs Terraform 1.11 or newer (or OpenTofu 1.11+). "
                                + "Upgrade Terraform, or remove the attribute.");
            }
            if (a.deprecation().deprecated()) {
                d.warning(
                        p,
                        "Deprecated attribute \"" + p + "\"",
                        a.deprecation().message().orElse("This attribute will be removed in a future version."));
            }
            if (v.isKnown()) {
                for (Validator val : a.validators()) {
                    val.validate(p, v, d);
                }
            }
            a.nested()
                    .ifPresent(n -> each(
                            new Block(n.attributes(), List.of(), Description.NONE, Deprecation.NONE),
                            p,
                            v,
                            writeOnlyAllowed,
                            d));
        }
        for (NestedBlock b : block.blocks()) {
            each(b.block(), path.attr(b.typeName()), o.get(b.typeName()), writeOnlyAllowed, d);
        }
    }

    private static void each(Block inner, CtyPath p, CtyValue v, boolean writeOnlyAllowed, Diagnostics d) {
        if (v.isNull() || !v.isKnown()) {
            return;
        }
        if (v instanceof CtyValue.ObjectVal) {
            object(inner, p, v, writeOnlyAllowed, d);
        } else if (v instanceof CtyValue.ListVal l) {
            for (int i = 0; i < l.elements().size(); i++) {
                object(inner, p.index(i), l.elements().get(i), writeOnlyAllowed, d);
            }
        } else if (v instanceof CtyValue.SetVal s) {
            for (CtyValue e : s.elements()) {
                object(inner, p, e, writeOnlyAllowed, d);
            }
        } else if (v instanceof CtyValue.MapVal m) {
            m.entries().forEach((k, e) -> object(inner, p.key(k), e, writeOnlyAllowed, d));
        }
    }
}
