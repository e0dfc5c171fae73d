package dev.multikernel.host.devicetree.multikernel;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.DeviceTreeException;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.host.devicetree.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The RFC v2 tree written to the root {@code device_tree} to create instances
 * (kernel-interface.md §1 "Writing device_tree", §2 "RFC v2", §8 (b)):
 *
 * <pre>
 * / { compatible = "multikernel-v1";
 *     instances { web { id = &lt;1&gt;; resources { cpus = &lt;2 3&gt;; memory-bytes = &lt;0x40000000&gt;; }; }; }; };
 * </pre>
 *
 * <p>The kernel handles each child of {@code /instances} on its own and only logs per-instance
 * failures, so {@link #read} reports each child as an {@link Entry}: accepted, skipped (no
 * {@code id}: the kernel silently skips it) or rejected (a property breaks a rule: {@code EINVAL}
 * for that instance only). A tree without {@code /instances} fails as a whole.
 */
public final class V2Tree {
    private V2Tree() {}

    /** What the kernel does with one child of {@code /instances}. */
    public sealed interface Entry {
        /** The node (instance) name. */
        String name();

        /** Well-formed: the kernel goes on to reserve memory and CPUs. */
        record Accepted(V2Instance instance) implements Entry {
            @Override
            public String name() {
                return instance.name();
            }
        }

        /** No {@code id}: skipped without creating anything. */
        record Skipped(String name, String reason) implements Entry {}

        /** A rule is broken: the instance fails with {@code EINVAL}, the others go on. */
        record Rejected(String name, String reason) implements Entry {}
    }

    /** The v2 tree for {@code instances}, in order. */
    public static DeviceTree toTree(List<V2Instance> instances) {
        Node.Builder inst = Node.builder("instances");
        for (V2Instance i : instances) {
            Node.Builder res = Node.builder("resources");
            if (!i.cpus().isEmpty()) {
                res.property(Property.u32("cpus", i.cpus()));
            }
            i.memoryBytes().ifPresent(m -> res.u32("memory-bytes", (int) m));
            inst.child(
                    Node.builder(i.name()).u32("id", i.id()).child(res.build()).build());
        }
        return DeviceTree.of(Node.builder("")
                .string("compatible", Multikernel.COMPATIBLE)
                .child(inst.build())
                .build());
    }

    /**
     * Reads every child of {@code /instances} as the kernel would treat it.
     *
     * @throws DeviceTreeException if there is no {@code /instances} node (the write fails with
     *     {@code EINVAL})
     */
    public static List<Entry> read(DeviceTree tree) throws DeviceTreeException {
        Node instances = tree.root()
                .child("instances")
                .orElseThrow(() -> new DeviceTreeException(
                        "/instances: missing; an RFC v2 device_tree write must contain /instances"
                                + " (the kernel answers EINVAL)"));
        List<Entry> out = new ArrayList<>();
        for (Node n : instances.children()) {
            out.add(readEntry(n));
        }
        return out;
    }

    /**
     * Reads the instances and fails on the first skipped or rejected one: what a provider wants
     * before writing, since the kernel would report success anyway.
     */
    public static List<V2Instance> readStrict(DeviceTree tree) throws DeviceTreeException {
        List<V2Instance> out = new ArrayList<>();
        for (Entry e : read(tree)) {
            if (e instanceof Entry.Accepted a) {
                out.add(a.instance());
            } else if (e instanceof Entry.Skipped s) {
                throw new DeviceTreeException("/instances/" + s.name() + ": " + s.reason());
            } else if (e instanceof Entry.Rejected r) {
                throw new DeviceTreeException("/instances/" + r.name() + ": " + r.reason());
            }
        }
        return out;
    }

    private static Entry readEntry(Node n) {
        String name = n.name();
        String problem = InstanceNames.problem(name);
        if (problem != null) {
            return new Entry.Rejected(name, problem);
        }
        Optional<Property> id = n.property("id");
        if (id.isEmpty()) {
            return new Entry.Skipped(name, "no \"id\" property; the kernel skips this node");
        }
        if (id.get().length() != 4) {
            return new Entry.Rejected(name, "\"id\" has length " + id.get().length() + ", expected one u32 cell");
        }
        int idValue;
        try {
            idValue = id.get().asU32();
        } catch (DeviceTreeException e) {
            return new Entry.Rejected(name, e.getMessage());
        }
        List<Integer> cpus = List.of();
        OptionalLong memory = OptionalLong.empty();
        Optional<Node> res = n.child("resources");
        if (res.isPresent()) {
            Optional<Property> c = res.get().property("cpus");
            if (c.isPresent()) {
                if (c.get().length() == 0) {
                    return new Entry.Rejected(name, "resources/cpus is empty (EINVAL)");
                }
                try {
                    cpus = c.get().asU32List();
                } catch (DeviceTreeException e) {
                    return new Entry.Rejected(name, "resources/" + e.getMessage());
                }
                for (int cpu : cpus) {
                    if (cpu < 0) {
                        return new Entry.Rejected(
                                name,
                                "resources/cpus: CPU " + Integer.toUnsignedString(cpu)
                                        + " is not a logical CPU number");
                    }
                }
            }
            Optional<Property> m = res.get().property("memory-bytes");
            if (m.isPresent()) {
                if (m.get().length() != 4) {
                    return new Entry.Rejected(
                            name,
                            "resources/memory-bytes has length " + m.get().length()
                                    + ", expected exactly one u32 (EINVAL)");
                }
                long bytes;
                try {
                    bytes = m.get().asU32() & 0xffffffffL;
                } catch (DeviceTreeException e) {
                    return new Entry.Rejected(name, e.getMessage());
                }
                String mp = memoryProblem(bytes);
                if (mp != null) {
                    return new Entry.Rejected(name, "resources/" + mp + " (EINVAL)");
                }
                memory = OptionalLong.of(bytes);
            }
        }
        return new Entry.Accepted(new V2Instance(name, idValue, cpus, memory));
    }

    static String memoryProblem(long bytes) {
        if (bytes == 0) {
            return "memory-bytes is 0; it must be non-zero";
        }
        if (bytes < 0 || bytes > Multikernel.V2_MAX_MEMORY_BYTES) {
            return "memory-bytes 0x" + Long.toHexString(bytes) + " does not fit one u32 page-aligned"
                    + " value (at most 0xfffff000)";
        }
        if (!Multikernel.pageAligned(bytes)) {
            return "memory-bytes 0x" + Long.toHexString(bytes) + " is not page aligned (4096)";
        }
        return null;
    }
}
