package dev.multikernel.host.devicetree;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies an overlay to a base tree the way {@code fdtoverlay} (libfdt {@code fdt_overlay_apply})
 * does, for cross-checking what a kernel would see after a merge.
 *
 * <p>Steps, as libfdt runs them: the overlay's own phandles are shifted above the base's largest
 * handle (and the references listed in {@code __local_fixups__} with them); each {@code
 * __fixups__} reference is resolved through the base's {@code __symbols__}; every fragment is
 * merged into its target (an existing property is replaced in place, a new property or a new
 * child is inserted before the existing ones, as libfdt inserts right after the node's name or
 * properties); finally the overlay's {@code __symbols__} that point into fragments are added to
 * the base's {@code __symbols__} with their paths rewritten to the targets.
 */
public final class Overlays {
    private Overlays() {}

    /** Mutable working copy of a node. */
    private static final class MNode {
        final String name;
        final List<Property> properties = new ArrayList<>();
        final List<MNode> children = new ArrayList<>();

        MNode(String name) {
            this.name = name;
        }

        static MNode of(Node n) {
            MNode m = new MNode(n.name());
            m.properties.addAll(n.properties());
            for (Node c : n.children()) {
                m.children.add(of(c));
            }
            return m;
        }

        Node freeze() {
            List<Node> kids = new ArrayList<>();
            for (MNode c : children) {
                kids.add(c.freeze());
            }
            return new Node(name, properties, kids);
        }

        Optional<MNode> child(String childName) {
            return children.stream().filter(c -> c.name.equals(childName)).findFirst();
        }

        Optional<Property> property(String propertyName) {
            return properties.stream()
                    .filter(p -> p.name().equals(propertyName))
                    .findFirst();
        }

        /** libfdt fdt_setprop: replace in place, else insert before the existing properties. */
        void setProperty(Property p) {
            for (int i = 0; i < properties.size(); i++) {
                if (properties.get(i).name().equals(p.name())) {
                    properties.set(i, p);
                    return;
                }
            }
            properties.add(0, p);
        }

        /** libfdt fdt_add_subnode: existing child, else a new one before the existing children. */
        MNode addSubnode(String childName) {
            Optional<MNode> existing = child(childName);
            if (existing.isPresent()) {
                return existing.get();
            }
            MNode created = new MNode(childName);
            children.add(0, created);
            return created;
        }

        Optional<MNode> find(List<String> parts) {
            MNode cur = this;
            for (String part : parts) {
                Optional<MNode> next = cur.child(part);
                if (next.isEmpty()) {
                    return Optional.empty();
                }
                cur = next.get();
            }
            return Optional.of(cur);
        }
    }

    /**
     * Merges {@code overlay} into {@code base}.
     *
     * @throws DeviceTreeException if a target, symbol or fixup cannot be resolved (what makes
     *     fdtoverlay fail)
     */
    public static DeviceTree apply(DeviceTree base, DeviceTree overlay) throws DeviceTreeException {
        int delta = Phandles.max(base);
        MNode o = MNode.of(overlay.root());
        MNode b = MNode.of(base.root());

        if (delta != 0) {
            adjustPhandles(o, delta);
            Optional<MNode> local = o.child("__local_fixups__");
            if (local.isPresent()) {
                adjustLocalReferences(o, local.get(), delta, "");
            }
        }
        resolveFixups(o, b, base);
        Map<Integer, String> handles = Phandles.index(new DeviceTree(List.of(), b.freeze(), 0));

        List<String[]> targets = new ArrayList<>(); // fragment name -> target path
        for (MNode fragment : o.children) {
            Optional<MNode> content = fragment.child("__overlay__");
            if (content.isEmpty()) {
                continue;
            }
            String fpath = "/" + fragment.name;
            String targetPath = targetPath(fragment, fpath, handles);
            MNode target = b.find(Phandles.split(targetPath))
                    .orElseThrow(() ->
                            new DeviceTreeException(fpath + ": target " + targetPath + " does not exist in the base"));
            merge(target, content.get());
            targets.add(new String[] {fragment.name, targetPath});
        }
        updateSymbols(o, b, targets);
        return new DeviceTree(base.reservations(), b.freeze(), base.bootCpuId());
    }

    private static String targetPath(MNode fragment, String fpath, Map<Integer, String> handles)
            throws DeviceTreeException {
        Optional<Property> target = fragment.property("target");
        if (target.isPresent()) {
            int h;
            try {
                h = target.get().asU32();
            } catch (DeviceTreeException e) {
                throw new DeviceTreeException(fpath + ": " + e.getMessage(), e);
            }
            String path = handles.get(h);
            if (path == null) {
                throw new DeviceTreeException(
                        fpath + ": target phandle 0x" + Integer.toHexString(h) + " matches no node of the base");
            }
            return path;
        }
        Optional<Property> targetPath = fragment.property("target-path");
        if (targetPath.isEmpty()) {
            throw new DeviceTreeException(fpath + ": fragment has neither target nor target-path");
        }
        try {
            return targetPath.get().asString();
        } catch (DeviceTreeException e) {
            throw new DeviceTreeException(fpath + ": target-path: " + e.getMessage(), e);
        }
    }

    private static void merge(MNode target, MNode content) {
        for (Property p : content.properties) {
            target.setProperty(p);
        }
        for (MNode child : content.children) {
            merge(target.addSubnode(child.name), child);
        }
    }

    private static void adjustPhandles(MNode node, int delta) throws DeviceTreeException {
        for (String name : new String[] {"phandle", "linux,phandle"}) {
            Optional<Property> p = node.property(name);
            if (p.isPresent()) {
                int h = p.get().asU32();
                node.setProperty(Property.u32(name, h + delta));
            }
        }
        for (MNode c : node.children) {
            adjustPhandles(c, delta);
        }
    }

    /** Walks {@code fixups} (a mirror of the overlay) and shifts every listed cell. */
    private static void adjustLocalReferences(MNode tree, MNode fixups, int delta, String path)
            throws DeviceTreeException {
        for (Property offsets : fixups.properties) {
            MNode node = tree;
            Optional<Property> prop = node.property(offsets.name());
            if (prop.isEmpty()) {
                throw new DeviceTreeException(
                        "__local_fixups__" + path + ": property " + offsets.name() + " does not exist in the overlay");
            }
            byte[] value = prop.get().value();
            for (int off : offsets.asU32Cells()) {
                if (off < 0 || off > value.length - 4) {
                    throw new DeviceTreeException("__local_fixups__" + path + "/" + offsets.name() + ": offset " + off
                            + " outside the " + value.length + "-byte property");
                }
                Bytes.putU32(value, off, Bytes.getU32(value, off) + delta);
            }
            node.setProperty(new Property(offsets.name(), value));
        }
        for (MNode child : fixups.children) {
            MNode sub = tree.child(child.name)
                    .orElseThrow(() -> new DeviceTreeException(
                            "__local_fixups__" + path + "/" + child.name + " names a node the overlay lacks"));
            adjustLocalReferences(sub, child, delta, path + "/" + child.name);
        }
    }

    private static void resolveFixups(MNode o, MNode b, DeviceTree base) throws DeviceTreeException {
        Optional<MNode> fixups = o.child("__fixups__");
        if (fixups.isEmpty()) {
            return;
        }
        Optional<MNode> symbols = b.child("__symbols__");
        for (Property entry : fixups.get().properties) {
            String label = entry.name();
            Optional<Property> symbol = symbols.flatMap(s -> s.property(label));
            if (symbol.isEmpty()) {
                throw new DeviceTreeException("__fixups__: label \"" + label
                        + "\" is not in the base's __symbols__ (compile the base with dtc -@)");
            }
            String symbolPath = symbol.get().asString();
            Node symbolNode = base.find(symbolPath)
                    .orElseThrow(() ->
                            new DeviceTreeException("__symbols__/" + label + " points at missing node " + symbolPath));
            int handle = Phandles.phandleOf(symbolNode, symbolPath)
                    .orElseThrow(() -> new DeviceTreeException(
                            "base node " + symbolPath + " (label " + label + ") has no phandle"));
            for (String ref : entry.asStrings()) {
                int c2 = ref.lastIndexOf(':');
                int c1 = c2 <= 0 ? -1 : ref.lastIndexOf(':', c2 - 1);
                if (c1 <= 0) {
                    throw new DeviceTreeException("__fixups__/" + label + ": malformed entry \"" + ref
                            + "\" (expected path:property:offset)");
                }
                String path = ref.substring(0, c1);
                String propName = ref.substring(c1 + 1, c2);
                int offset;
                try {
                    offset = Integer.parseInt(ref.substring(c2 + 1));
                } catch (NumberFormatException e) {
                    throw new DeviceTreeException("__fixups__/" + label + ": bad offset in \"" + ref + "\"");
                }
                MNode node = o.find(Phandles.split(path))
                        .orElseThrow(
                                () -> new DeviceTreeException("__fixups__/" + label + ": no overlay node " + path));
                Property p = node.property(propName)
                        .orElseThrow(() -> new DeviceTreeException(
                                "__fixups__/" + label + ": no property " + propName + " at " + path));
                byte[] value = p.value();
                if (offset < 0 || offset > value.length - 4) {
                    throw new DeviceTreeException(
                            "__fixups__/" + label + ": offset " + offset + " outside " + path + ":" + propName);
                }
                Bytes.putU32(value, offset, handle);
                node.setProperty(new Property(propName, value));
            }
        }
    }

    private static void updateSymbols(MNode o, MNode b, List<String[]> targets) throws DeviceTreeException {
        Optional<MNode> symbols = o.child("__symbols__");
        if (symbols.isEmpty()) {
            return;
        }
        MNode baseSymbols = b.addSubnode("__symbols__");
        for (Property p : symbols.get().properties) {
            String path = p.asString();
            if (!path.startsWith("/")) {
                throw new DeviceTreeException("__symbols__/" + p.name() + ": path \"" + path + "\" is not absolute");
            }
            int slash = path.indexOf('/', 1);
            if (slash < 0) {
                continue; // names something that does not end up in the base
            }
            String fragment = path.substring(1, slash);
            String rest = path.substring(slash);
            String rel;
            if (rest.equals("/__overlay__")) {
                rel = "";
            } else if (rest.startsWith("/__overlay__/") && rest.length() > "/__overlay__/".length()) {
                rel = rest.substring("/__overlay__/".length());
            } else {
                continue;
            }
            String targetPath = null;
            for (String[] t : targets) {
                if (t[0].equals(fragment)) {
                    targetPath = t[1];
                }
            }
            if (targetPath == null) {
                throw new DeviceTreeException("__symbols__/" + p.name() + " points into " + fragment
                        + ", which is not a fragment of this overlay");
            }
            String merged = rel.isEmpty() ? targetPath : (targetPath.equals("/") ? "/" + rel : targetPath + "/" + rel);
            baseSymbols.setProperty(Property.string(p.name(), merged));
        }
    }
}
