package dev.multikernel.host.devicetree;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An immutable device tree node: a name ({@code "cpu@1"}, {@code ""} for the root), its
 * properties in order and its children in order.
 *
 * <p>Property names are unique within a node and so are child names; the order of both is kept
 * because it decides the blob layout. Changes return new nodes ({@link #withProperty}, {@link
 * #withChild}, {@link #toBuilder()}).
 *
 * @param name node name including the unit address; empty only for the root
 * @param properties properties in blob order
 * @param children child nodes in blob order
 */
public record Node(String name, List<Property> properties, List<Node> children) {

    public Node {
        Objects.requireNonNull(name, "name");
        if (!name.isEmpty()) {
            String problem = Names.problem(name);
            if (problem != null) {
                throw new IllegalArgumentException("invalid node name " + Names.quote(name) + ": " + problem);
            }
        }
        properties = List.copyOf(properties);
        children = List.copyOf(children);
        Set<String> seen = new HashSet<>();
        for (Property p : properties) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException(
                        "node " + Names.quote(name) + " has property " + Names.quote(p.name()) + " twice");
            }
        }
        seen.clear();
        for (Node c : children) {
            if (c.name.isEmpty()) {
                throw new IllegalArgumentException("child of node " + Names.quote(name) + " has an empty name");
            }
            if (!seen.add(c.name)) {
                throw new IllegalArgumentException(
                        "node " + Names.quote(name) + " has child " + Names.quote(c.name) + " twice");
            }
        }
    }

    /** A node with the given name and nothing in it. */
    public static Node empty(String name) {
        return new Node(name, List.of(), List.of());
    }

    /** A fluent builder for a node called {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder pre-filled with this node's content. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.properties.addAll(properties);
        b.children.addAll(children);
        return b;
    }

    // ---------------------------------------------------------------- lookup

    /** The part of the name before '@' ({@code "cpu"} for {@code "cpu@1"}). */
    public String baseName() {
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }

    /** The unit address after '@', if any ({@code "1"} for {@code "cpu@1"}). */
    public Optional<String> unitAddress() {
        int at = name.indexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(name.substring(at + 1));
    }

    /** The property called {@code propertyName}. */
    public Optional<Property> property(String propertyName) {
        for (Property p : properties) {
            if (p.name().equals(propertyName)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** True if this node has a property called {@code propertyName}. */
    public boolean hasProperty(String propertyName) {
        return property(propertyName).isPresent();
    }

    /** The direct child called exactly {@code childName} (including any unit address). */
    public Optional<Node> child(String childName) {
        for (Node c : children) {
            if (c.name.equals(childName)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Direct children whose base name (before '@') is {@code baseName}, in order. */
    public List<Node> childrenNamed(String baseName) {
        List<Node> out = new ArrayList<>();
        for (Node c : children) {
            if (c.baseName().equals(baseName)) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The node at {@code path} below this one: {@code "a/b"} or {@code "/a/b"} (a leading '/' is
     * allowed, empty components are ignored, {@code "/"} is this node).
     */
    public Optional<Node> find(String path) {
        Node current = this;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Optional<Node> next = current.child(part);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
        }
        return Optional.of(current);
    }

    /** The property {@code propertyName}, or an exception naming {@code path} and the property. */
    public Property requireProperty(String path, String propertyName) throws DeviceTreeException {
        Optional<Property> p = property(propertyName);
        if (p.isEmpty()) {
            throw new DeviceTreeException(path + ": missing property \"" + propertyName + "\"");
        }
        return p.get();
    }

    // ---------------------------------------------------------------- derivation

    /** A copy with {@code property} replacing the one of the same name, or appended. */
    public Node withProperty(Property property) {
        List<Property> props = new ArrayList<>(properties);
        boolean replaced = false;
        for (int i = 0; i < props.size(); i++) {
            if (props.get(i).name().equals(property.name())) {
                props.set(i, property);
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            props.add(property);
        }
        return new Node(name, props, children);
    }

    /** A copy without the property called {@code propertyName}. */
    public Node withoutProperty(String propertyName) {
        List<Property> props = new ArrayList<>(properties);
        props.removeIf(p -> p.name().equals(propertyName));
        return new Node(name, props, children);
    }

    /** A copy with {@code child} replacing the child of the same name, or appended. */
    public Node withChild(Node child) {
        List<Node> kids = new ArrayList<>(children);
        boolean replaced = false;
        for (int i = 0; i < kids.size(); i++) {
            if (kids.get(i).name.equals(child.name)) {
                kids.set(i, child);
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            kids.add(child);
        }
        return new Node(name, properties, kids);
    }

    /** A copy without the child called {@code childName}. */
    public Node withoutChild(String childName) {
        List<Node> kids = new ArrayList<>(children);
        kids.removeIf(c -> c.name.equals(childName));
        return new Node(name, properties, kids);
    }

    /** Number of nodes in this subtree, this one included. */
    public int subtreeSize() {
        int n = 1;
        for (Node c : children) {
            n += c.subtreeSize();
        }
        return n;
    }

    /** Fluent, mutable builder producing immutable {@link Node}s. */
    public static final class Builder {
        private final String name;
        private final List<Property> properties = new ArrayList<>();
        private final List<Node> children = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Adds or replaces a property. */
        public Builder property(Property property) {
            properties.removeIf(p -> p.name().equals(property.name()));
            properties.add(property);
            return this;
        }

        public Builder empty(String propertyName) {
            return property(Property.empty(propertyName));
        }

        public Builder u32(String propertyName, int... cells) {
            return property(Property.u32(propertyName, cells));
        }

        public Builder u64(String propertyName, long... values) {
            return property(Property.u64(propertyName, values));
        }

        public Builder string(String propertyName, String value) {
            return property(Property.string(propertyName, value));
        }

        public Builder strings(String propertyName, String... values) {
            return property(Property.strings(propertyName, values));
        }

        public Builder bytes(String propertyName, byte... value) {
            return property(Property.bytes(propertyName, value));
        }

        /** Adds or replaces a child node. */
        public Builder child(Node child) {
            children.removeIf(c -> c.name().equals(child.name()));
            children.add(child);
            return this;
        }

        /** Adds a child built by {@code content}. */
        public Builder child(String childName, Consumer<Builder> content) {
            Builder b = new Builder(childName);
            content.accept(b);
            return child(b.build());
        }

        public Node build() {
            return new Node(name, properties, children);
        }
    }
}
