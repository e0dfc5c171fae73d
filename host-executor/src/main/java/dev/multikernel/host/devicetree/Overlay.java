package dev.multikernel.host.devicetree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A typed view of a device tree overlay ({@code /plugin/}): root properties and fragments, each
 * a target plus the {@code __overlay__} node to merge there.
 *
 * <p>{@link #toTree()} writes the shape {@code dtc -@} compiles: {@code fragment@N { target-path
 * = "..."; __overlay__ {...}; }}, or for a label target {@code target = <0xffffffff>} with a
 * {@code __fixups__} entry {@code label = "/fragment@N:target:0"}. {@link #read} accepts what
 * libfdt treats as a fragment: any root child that has an {@code __overlay__} child; {@code
 * target} (a phandle, or a fixup label) wins over {@code target-path} as in libfdt. Phandle
 * references inside the overlay content are outside this view (keep the raw tree for those).
 *
 * @param rootProperties properties of the overlay root, e.g. {@code mk,resources}
 * @param fragments fragments in blob order
 */
public record Overlay(List<Property> rootProperties, List<Fragment> fragments) {

    public Overlay {
        rootProperties = List.copyOf(rootProperties);
        fragments = List.copyOf(fragments);
        List<String> names = new ArrayList<>();
        for (Fragment f : fragments) {
            if (names.contains(f.name())) {
                throw new IllegalArgumentException("two fragments named " + f.name());
            }
            names.add(f.name());
        }
    }

    /** Where a fragment applies. */
    public sealed interface Target {
        /** {@code target-path = "/a/b"}. */
        record Path(String path) implements Target {
            public Path {
                if (!path.startsWith("/")) {
                    throw new IllegalArgumentException("target path must be absolute: " + path);
                }
            }
        }

        /** {@code target = <&label>} left for the loader to resolve through {@code __fixups__}. */
        record Label(String label) implements Target {
            public Label {
                if (label.isEmpty()) {
                    throw new IllegalArgumentException("empty target label");
                }
            }
        }

        /** {@code target = <phandle>} already resolved. */
        record Phandle(int phandle) implements Target {}
    }

    /**
     * One fragment.
     *
     * @param name node name, e.g. {@code fragment@0}
     * @param target where it applies
     * @param content the {@code __overlay__} node (its name is forced to {@code __overlay__})
     */
    public record Fragment(String name, Target target, Node content) {
        public Fragment {
            Objects.requireNonNull(target, "target");
            if (!content.name().equals("__overlay__")) {
                content = new Node("__overlay__", content.properties(), content.children());
            }
            String problem = Names.problem(name);
            if (problem != null) {
                throw new IllegalArgumentException("invalid fragment name " + Names.quote(name) + ": " + problem);
            }
        }

        /** The fragment's unit address read as hex, as the multikernel kernel orders fragments. */
        public Optional<Long> unitAddress() {
            int at = name.indexOf('@');
            if (at < 0 || at == name.length() - 1 || name.length() - at - 1 > 15) {
                return Optional.empty();
            }
            try {
                return Optional.of(Long.parseLong(name.substring(at + 1), 16));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** A builder that names fragments {@code fragment@0}, {@code fragment@1}, ... (hex). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link Overlay}. */
    public static final class Builder {
        private final List<Property> rootProperties = new ArrayList<>();
        private final List<Fragment> fragments = new ArrayList<>();

        private Builder() {}

        public Builder rootProperty(Property p) {
            rootProperties.removeIf(q -> q.name().equals(p.name()));
            rootProperties.add(p);
            return this;
        }

        /** Adds {@code fragment@<next>} targeting the absolute {@code path}. */
        public Builder fragment(String path, Node content) {
            return fragment(new Target.Path(path), content);
        }

        /** Adds {@code fragment@<next>} with any target. */
        public Builder fragment(Target target, Node content) {
            fragments.add(new Fragment("fragment@" + Integer.toHexString(fragments.size()), target, content));
            return this;
        }

        public Overlay build() {
            return new Overlay(rootProperties, fragments);
        }
    }

    /**
     * Reads the fragments of an overlay tree.
     *
     * @throws DeviceTreeException if a fragment has no usable target
     */
    public static Overlay read(DeviceTree tree) throws DeviceTreeException {
        Node root = tree.root();
        Map<String, String> fixupTargets = fixupTargets(root);
        List<Fragment> fragments = new ArrayList<>();
        for (Node child : root.children()) {
            Optional<Node> content = child.child("__overlay__");
            if (content.isEmpty()) {
                continue;
            }
            String path = "/" + child.name();
            Target target;
            Optional<Property> phandle = child.property("target");
            Optional<Property> targetPath = child.property("target-path");
            if (phandle.isPresent()) {
                int handle;
                try {
                    handle = phandle.get().asU32();
                } catch (DeviceTreeException e) {
                    throw new DeviceTreeException(path + ": " + e.getMessage(), e);
                }
                String label = fixupTargets.get(path);
                if (label != null) {
                    target = new Target.Label(label);
                } else if (handle == Phandles.UNRESOLVED || handle == 0) {
                    throw new DeviceTreeException(path + ": target = <0x" + Integer.toHexString(handle)
                            + "> is unresolved and no __fixups__ entry names it");
                } else {
                    target = new Target.Phandle(handle);
                }
            } else if (targetPath.isPresent()) {
                String p;
                try {
                    p = targetPath.get().asString();
                } catch (DeviceTreeException e) {
                    throw new DeviceTreeException(path + ": target-path: " + e.getMessage(), e);
                }
                if (!p.startsWith("/")) {
                    throw new DeviceTreeException(path + ": target-path \"" + p + "\" is not absolute");
                }
                target = new Target.Path(p);
            } else {
                throw new DeviceTreeException(path + ": fragment has neither target nor target-path");
            }
            fragments.add(new Fragment(child.name(), target, content.get()));
        }
        return new Overlay(root.properties(), fragments);
    }

    /** {@code /fragment@N} path to label, from {@code __fixups__} entries of a fragment's target. */
    private static Map<String, String> fixupTargets(Node root) throws DeviceTreeException {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<Node> fixups = root.child("__fixups__");
        if (fixups.isEmpty()) {
            return out;
        }
        for (Property p : fixups.get().properties()) {
            List<String> entries;
            try {
                entries = p.asStrings();
            } catch (DeviceTreeException e) {
                throw new DeviceTreeException("/__fixups__: " + e.getMessage(), e);
            }
            for (String entry : entries) {
                if (entry.endsWith(":target:0")) {
                    out.put(entry.substring(0, entry.length() - ":target:0".length()), p.name());
                }
            }
        }
        return out;
    }

    /** The overlay as a tree in the layout {@code dtc -@} produces for the equivalent source. */
    public DeviceTree toTree() {
        Node.Builder root = Node.builder("");
        rootProperties.forEach(root::property);
        Map<String, List<String>> fixups = new LinkedHashMap<>();
        for (Fragment f : fragments) {
            Node.Builder node = Node.builder(f.name());
            if (f.target() instanceof Target.Path p) {
                node.string("target-path", p.path());
            } else if (f.target() instanceof Target.Phandle h) {
                node.u32("target", h.phandle());
            } else if (f.target() instanceof Target.Label l) {
                node.u32("target", Phandles.UNRESOLVED);
                fixups.computeIfAbsent(l.label(), k -> new ArrayList<>()).add("/" + f.name() + ":target:0");
            }
            node.child(f.content());
            root.child(node.build());
        }
        if (!fixups.isEmpty()) {
            Node.Builder fx = Node.builder("__fixups__");
            fixups.forEach((label, entries) -> fx.property(Property.strings(label, entries)));
            root.child(fx.build());
        }
        return DeviceTree.of(root.build());
    }
}
