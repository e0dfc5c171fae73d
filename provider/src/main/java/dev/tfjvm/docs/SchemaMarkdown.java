package dev.tfjvm.docs;

import dev.tfjvm.cty.CtyEncodeException;
import dev.tfjvm.cty.CtyJson;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Deprecation;
import dev.tfjvm.schema.NestedAttributes;
import dev.tfjvm.schema.NestedBlock;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.PlanModifier;
import dev.tfjvm.schema.Validator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The "## Schema" part of a page, laid out as the Terraform registry's generator does: top-level
 * Required / Optional / Read-Only lists sorted by name, then one anchored "Nested Schema" section
 * per nested block, nested attribute or object type, depth first.
 *
 * <p>The result is a list of Markdown chunks; the page joins chunks with one blank line.
 */
final class SchemaMarkdown {
    static final String WRITE_ONLY_NOTE = "-> **Note:** Write-only arguments need Terraform 1.11 or later."
            + " Their values reach the provider during plan and apply but are never stored in the plan or the state.";

    /** Where an attribute or block is listed. */
    enum Group {
        REQUIRED("### Required", "Required:"),
        OPTIONAL("### Optional", "Optional:"),
        READ_ONLY("### Read-Only", "Read-Only:");

        final String topTitle;
        final String nestedTitle;

        Group(String topTitle, String nestedTitle) {
            this.topTitle = topTitle;
            this.nestedTitle = nestedTitle;
        }
    }

    /** A "Nested Schema for `a.b`" section still to write. */
    private sealed interface Section permits BlockSection, AttributesSection, ObjectSection {
        List<String> path();

        String anchor();
    }

    private record BlockSection(List<String> path, Block block) implements Section {
        public String anchor() {
            return "nestedblock--" + String.join("--", path);
        }
    }

    private record AttributesSection(List<String> path, NestedAttributes attributes, boolean readOnly)
            implements Section {
        public String anchor() {
            return "nestedatt--" + String.join("--", path);
        }
    }

    private record ObjectSection(List<String> path, CtyType.ObjectType type, Group group, boolean top)
            implements Section {
        public String anchor() {
            return (top ? "nestedatt--" : "nestedobjatt--") + String.join("--", path);
        }
    }

    /** A child of a block: an attribute or a nested block, listed together by name. */
    private record Child(Optional<Attribute> attribute, Optional<NestedBlock> block) {}

    private final Optional<String> idFallback;
    private final List<String> out = new ArrayList<>();

    private SchemaMarkdown(Optional<String> idFallback) {
        this.idFallback = idFallback;
    }

    /**
     * The schema chunks of a root block.
     *
     * @param idFallback the description of an undocumented top-level read-only {@code id}
     */
    static List<String> render(Block root, Optional<String> idFallback) throws DocsException {
        SchemaMarkdown r = new SchemaMarkdown(idFallback);
        r.out.add("## Schema");
        if (root.attributes().isEmpty() && root.blocks().isEmpty()) {
            r.out.add("This has no arguments and no attributes.");
            return r.out;
        }
        r.blockChildren(List.of(), root, true);
        return r.out;
    }

    private void blockChildren(List<String> parents, Block block, boolean root) throws DocsException {
        if (block.attributes().isEmpty() && block.blocks().isEmpty()) {
            out.add("This block has no arguments.");
            return;
        }
        Map<Group, TreeMap<String, Child>> groups = new EnumMap<>(Group.class);
        for (Attribute a : block.attributes()) {
            groups.computeIfAbsent(attributeGroup(a, false), g -> new TreeMap<>())
                    .put(a.name(), new Child(Optional.of(a), Optional.empty()));
        }
        for (NestedBlock b : block.blocks()) {
            groups.computeIfAbsent(blockGroup(b), g -> new TreeMap<>())
                    .put(b.typeName(), new Child(Optional.empty(), Optional.of(b)));
        }
        List<Section> sections = new ArrayList<>();
        for (Map.Entry<Group, TreeMap<String, Child>> g : groups.entrySet()) {
            out.add(root ? g.getKey().topTitle : g.getKey().nestedTitle);
            if (g.getKey() != Group.READ_ONLY
                    && g.getValue().values().stream().anyMatch(SchemaMarkdown::hasWriteOnly)) {
                out.add(WRITE_ONLY_NOTE);
            }
            List<String> items = new ArrayList<>();
            for (Child c : g.getValue().values()) {
                if (c.attribute().isPresent()) {
                    items.add(attributeItem(
                            path(parents, c.attribute().get().name()),
                            c.attribute().get(),
                            g.getKey(),
                            root,
                            sections));
                } else {
                    items.add(blockItem(
                            path(parents, c.block().get().typeName()), c.block().get(), g.getKey(), sections));
                }
            }
            out.add(String.join("\n", items));
        }
        writeSections(sections);
    }

    private void nestedAttributeChildren(List<String> parents, NestedAttributes nested, boolean readOnly)
            throws DocsException {
        Map<Group, TreeMap<String, Attribute>> groups = new EnumMap<>(Group.class);
        for (Attribute a : nested.attributes()) {
            groups.computeIfAbsent(attributeGroup(a, readOnly), g -> new TreeMap<>())
                    .put(a.name(), a);
        }
        if (groups.isEmpty()) {
            out.add("This object has no attributes.");
            return;
        }
        List<Section> sections = new ArrayList<>();
        for (Map.Entry<Group, TreeMap<String, Attribute>> g : groups.entrySet()) {
            out.add(g.getKey().nestedTitle);
            if (g.getKey() != Group.READ_ONLY
                    && g.getValue().values().stream().anyMatch(SchemaMarkdown::hasWriteOnly)) {
                out.add(WRITE_ONLY_NOTE);
            }
            List<String> items = new ArrayList<>();
            for (Attribute a : g.getValue().values()) {
                items.add(attributeItem(path(parents, a.name()), a, g.getKey(), false, sections));
            }
            out.add(String.join("\n", items));
        }
        writeSections(sections);
    }

    private void objectChildren(List<String> parents, CtyType.ObjectType type, Group group) {
        if (type.attributes().isEmpty()) {
            out.add("This object has no attributes.");
            return;
        }
        out.add(group.nestedTitle);
        List<ObjectSection> sections = new ArrayList<>();
        List<String> items = new ArrayList<>();
        for (Map.Entry<String, CtyType> e : type.attributes().entrySet()) {
            List<String> path = path(parents, e.getKey());
            StringBuilder item = new StringBuilder("- `")
                    .append(e.getKey())
                    .append("` (")
                    .append(TypeNames.prose(e.getValue()))
                    .append(')');
            Optional<CtyType.ObjectType> inner = TypeNames.objectWithin(e.getValue());
            if (inner.isPresent()) {
                ObjectSection s = new ObjectSection(path, inner.get(), group, false);
                sections.add(s);
                item.append(seeBelow(s));
            }
            items.add(item.toString());
        }
        out.add(String.join("\n", items));
        for (ObjectSection s : sections) {
            out.add(heading(s));
            objectChildren(s.path(), s.type(), s.group());
        }
    }

    private void writeSections(List<Section> sections) throws DocsException {
        for (Section s : sections) {
            out.add(heading(s));
            if (s instanceof BlockSection b) {
                blockChildren(b.path(), b.block(), false);
            } else if (s instanceof AttributesSection a) {
                nestedAttributeChildren(a.path(), a.attributes(), a.readOnly());
            } else if (s instanceof ObjectSection o) {
                objectChildren(o.path(), o.type(), o.group());
            }
        }
    }

    private static String heading(Section s) {
        return "<a id=\"" + s.anchor() + "\"></a>\n### Nested Schema for `" + String.join(".", s.path()) + "`";
    }

    private String attributeItem(List<String> path, Attribute a, Group group, boolean root, List<Section> sections)
            throws DocsException {
        StringBuilder item = new StringBuilder("- `").append(a.name()).append("` (");
        item.append(a.nested()
                .map(n -> TypeNames.nestedAttributes(n.nesting()))
                .orElseGet(() -> TypeNames.prose(a.type())));
        if (a.sensitive()) {
            item.append(", Sensitive");
        }
        if (a.deprecation().deprecated()) {
            item.append(", Deprecated");
        }
        if (a.writeOnly()) {
            item.append(", Write-only");
        }
        item.append(')');
        List<String> parts = new ArrayList<>();
        String own = Markdown.text(a.description());
        if (own.isEmpty() && root && a.name().equals("id") && group == Group.READ_ONLY) {
            own = idFallback.orElse("");
        }
        parts.add(own);
        if (a.defaultValue().isPresent()) {
            parts.add(unlessSaid(own, "Defaults to `" + json(path, a) + "`."));
        }
        for (Validator v : a.validators()) {
            parts.add(unlessSaid(own, v.describe()));
        }
        for (PlanModifier m : a.planModifiers()) {
            parts.add(unlessSaid(own, m.describe(a)));
        }
        parts.add(deprecationText(a.deprecation()));
        appendDescription(item, parts);
        if (a.nested().isPresent()) {
            AttributesSection s = new AttributesSection(path, a.nested().get(), group == Group.READ_ONLY);
            sections.add(s);
            item.append(seeBelow(s));
        } else {
            Optional<CtyType.ObjectType> object = TypeNames.objectWithin(a.type());
            if (object.isPresent()) {
                ObjectSection s = new ObjectSection(path, object.get(), group, true);
                sections.add(s);
                item.append(seeBelow(s));
            }
        }
        return item.toString();
    }

    private String blockItem(List<String> path, NestedBlock b, Group group, List<Section> sections) {
        StringBuilder item =
                new StringBuilder("- `").append(b.typeName()).append("` (").append(TypeNames.block(b.nesting()));
        if (b.nesting() == Nesting.SINGLE || b.nesting() == Nesting.GROUP) {
            item.append(
                    switch (group) {
                        case REQUIRED -> ", Required";
                        case OPTIONAL -> ", Optional";
                        case READ_ONLY -> ", Read-only";
                    });
        } else if (b.minItems() > 0) {
            item.append(", Min: ").append(b.minItems());
        }
        if (b.maxItems() > 0 && b.nesting() != Nesting.SINGLE) {
            item.append(", Max: ").append(b.maxItems());
        }
        if (b.block().deprecation().deprecated()) {
            item.append(", Deprecated");
        }
        item.append(')');
        appendDescription(
                item,
                List.of(
                        Markdown.text(b.block().description()),
                        deprecationText(b.block().deprecation())));
        BlockSection s = new BlockSection(path, b.block());
        sections.add(s);
        item.append(seeBelow(s));
        return item.toString();
    }

    private static final Pattern SAYS_DEFAULT = Pattern.compile("(?i)\\bdefaults? (to|is)\\b");
    private static final Pattern SAYS_REPLACES = Pattern.compile("(?i)\\breplaces\\b");

    /**
     * {@code generated} (a sentence the generator adds about a default, a validator or a plan
     * modifier), or {@code ""} when the attribute's own description already says it: the same
     * sentence, a default of its own ("Defaults to `compact`."), or that a change replaces
     * something ("Changing it replaces the instance.").
     */
    static String unlessSaid(String description, String generated) {
        String g = generated.strip();
        if (g.isEmpty() || description.isEmpty()) {
            return g;
        }
        if (description.contains(g)
                || (SAYS_DEFAULT.matcher(g).lookingAt()
                        && SAYS_DEFAULT.matcher(description).find())
                || (SAYS_REPLACES.matcher(g).find()
                        && SAYS_REPLACES.matcher(description).find())) {
            return "";
        }
        return g;
    }

    private static void appendDescription(StringBuilder item, List<String> parts) {
        String text = Markdown.sentences(parts);
        if (!text.isEmpty()) {
            item.append(' ').append(Markdown.listItemText(text));
        }
    }

    private static String seeBelow(Section s) {
        return " (see [below for nested schema](#" + s.anchor() + "))";
    }

    static String deprecationText(Deprecation d) {
        if (!d.deprecated()) {
            return "";
        }
        return "**Deprecated:** " + d.message().orElse("it will be removed in a future version.");
    }

    private static String json(List<String> path, Attribute a) throws DocsException {
        try {
            return new String(CtyJson.encode(a.defaultValue().orElseThrow(), a.type()), StandardCharsets.UTF_8);
        } catch (CtyEncodeException e) {
            throw new DocsException(
                    "The default value of " + String.join(".", path)
                            + " does not fit its type (" + a.type() + "): " + e.getMessage()
                            + ". Fix the defaultValue(...) in the schema.",
                    e);
        }
    }

    private static List<String> path(List<String> parents, String name) {
        List<String> p = new ArrayList<>(parents);
        p.add(name);
        return List.copyOf(p);
    }

    static Group attributeGroup(Attribute a, boolean readOnlyParent) {
        if (readOnlyParent) {
            return Group.READ_ONLY;
        }
        if (a.required()) {
            return Group.REQUIRED;
        }
        return a.optional() ? Group.OPTIONAL : Group.READ_ONLY;
    }

    static Group blockGroup(NestedBlock b) {
        if (b.minItems() > 0) {
            return Group.REQUIRED;
        }
        if (isEmpty(b.block()) || hasInputs(b.block())) {
            return Group.OPTIONAL;
        }
        // A block users cannot fill, and whose size they cannot influence, is output only.
        return b.maxItems() == 0 ? Group.READ_ONLY : Group.OPTIONAL;
    }

    private static boolean isEmpty(Block block) {
        return block.attributes().isEmpty() && block.blocks().isEmpty();
    }

    private static boolean hasInputs(Block block) {
        return block.attributes().stream().anyMatch(a -> a.required() || a.optional())
                || block.blocks().stream()
                        .anyMatch(b -> b.minItems() > 0 || isEmpty(b.block()) || hasInputs(b.block()));
    }

    private static boolean hasWriteOnly(Child c) {
        return c.attribute()
                .map(SchemaMarkdown::hasWriteOnly)
                .orElseGet(() -> hasWriteOnly(c.block().get().block()));
    }

    private static boolean hasWriteOnly(Attribute a) {
        return a.writeOnly()
                || a.nested()
                        .map(n -> n.attributes().stream().anyMatch(SchemaMarkdown::hasWriteOnly))
                        .orElse(false);
    }

    private static boolean hasWriteOnly(Block b) {
        return b.attributes().stream().anyMatch(SchemaMarkdown::hasWriteOnly)
                || b.blocks().stream().anyMatch(nb -> hasWriteOnly(nb.block()));
    }
}
