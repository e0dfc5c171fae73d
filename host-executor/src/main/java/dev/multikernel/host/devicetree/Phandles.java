package dev.multikernel.host.devicetree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Phandles: the {@code phandle} (or legacy {@code linux,phandle}) property that gives a node a
 * 32-bit handle other nodes can refer to.
 */
public final class Phandles {
    private Phandles() {}

    /** Handle value dtc writes for a reference it could not resolve (an overlay fixup). */
    public static final int UNRESOLVED = 0xffffffff;

    /** A tree together with the handle just given to one of its nodes. */
    public record Allocated(DeviceTree tree, int phandle) {}

    /**
     * Every handle in the tree mapped to the absolute path of its node, in tree order.
     *
     * @throws DeviceTreeException if a handle is malformed or two nodes share one
     */
    public static Map<Integer, String> index(DeviceTree tree) throws DeviceTreeException {
        Map<Integer, String> out = new LinkedHashMap<>();
        collect(tree.root(), "/", out);
        return out;
    }

    private static void collect(Node node, String path, Map<Integer, String> out) throws DeviceTreeException {
        Optional<Integer> own = phandleOf(node, path);
        if (own.isPresent()) {
            String previous = out.putIfAbsent(own.get(), path);
            if (previous != null) {
                throw new DeviceTreeException("phandle 0x" + Integer.toHexString(own.get()) + " is used by both "
                        + previous + " and " + path);
            }
        }
        for (Node child : node.children()) {
            collect(child, childPath(path, child.name()), out);
        }
    }

    /** The node's own handle, from {@code phandle} or else {@code linux,phandle}. */
    public static Optional<Integer> phandleOf(Node node, String path) throws DeviceTreeException {
        Optional<Property> p = node.property("phandle");
        if (p.isEmpty()) {
            p = node.property("linux,phandle");
        }
        if (p.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(p.get().asPhandle());
        } catch (DeviceTreeException e) {
            throw new DeviceTreeException(path + ": " + e.getMessage(), e);
        }
    }

    /** The largest handle in the tree, 0 if none. */
    public static int max(DeviceTree tree) throws DeviceTreeException {
        int max = 0;
        for (int h : index(tree).keySet()) {
            if (Integer.compareUnsigned(h, max) > 0) {
                max = h;
            }
        }
        return max;
    }

    /** The path of the node whose handle is {@code phandle}. */
    public static Optional<String> resolve(DeviceTree tree, int phandle) throws DeviceTreeException {
        return Optional.ofNullable(index(tree).get(phandle));
    }

    /**
     * Gives the node at {@code path} a handle: its existing one, or one above every handle in use
     * (as dtc numbers them, from 1 upwards), added as a {@code phandle} property at the end.
     *
     * @throws DeviceTreeException if there is no node at {@code path} or the handles are broken
     */
    public static Allocated allocate(DeviceTree tree, String path) throws DeviceTreeException {
        Node target =
                tree.find(path).orElseThrow(() -> new DeviceTreeException("no node at " + path + " to give a phandle"));
        Optional<Integer> existing = phandleOf(target, path);
        if (existing.isPresent()) {
            return new Allocated(tree, existing.get());
        }
        int next = max(tree) + 1;
        if (next == UNRESOLVED || next == 0) {
            throw new DeviceTreeException("no phandle values left");
        }
        Node updated = target.withProperty(Property.phandle(next));
        return new Allocated(tree.withRoot(replace(tree.root(), split(path), 0, updated)), next);
    }

    /** A copy of {@code root} with the node at {@code parts} replaced by {@code replacement}. */
    static Node replace(Node root, List<String> parts, int index, Node replacement) {
        if (index == parts.size()) {
            return replacement;
        }
        Node child = root.child(parts.get(index)).orElseThrow();
        return root.withChild(replace(child, parts, index + 1, replacement));
    }

    static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return parts;
    }

    static String childPath(String parent, String child) {
        return parent.equals("/") ? "/" + child : parent + "/" + child;
    }
}
