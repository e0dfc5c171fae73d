package dev.multikernel.host.devicetree.multikernel;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.DeviceTreeException;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.host.devicetree.Property;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pool tree: what the current kernel's root {@code device_tree} reads back (§2 "Pool
 * read-back", §8 (e)).
 *
 * <pre>
 * / {
 *     compatible = "multikernel-v1";
 *     #address-cells = &lt;2&gt;;
 *     #size-cells = &lt;2&gt;;
 *     id = &lt;0&gt;;
 *     resources {
 *         cpus = /bits/ 64 &lt;every pool CPU&gt;;
 *         cpus-available = /bits/ 64 &lt;the free ones&gt;;
 *         memory@59a00000 { device_type = "memory"; reg = /bits/ 64 &lt;base size&gt;; numa-node-id = &lt;0&gt;; };
 *         devices { platform devices };
 *     };
 *     aliases { ... };
 *     pci@0 { free PCI devices under their host bridge };
 * };
 * </pre>
 *
 * @param cpus every CPU the pool owns (physical ids), including those lent to instances
 * @param cpusAvailable the free subset
 * @param chunks one per {@code memory@<base>} node
 * @param platformDevices platform devices under {@code /resources/devices}
 * @param pciDevices free pool PCI devices under {@code pci@<domain>} host bridges
 * @param aliases {@code /aliases}
 */
public record PoolTree(
        List<Long> cpus,
        List<Long> cpusAvailable,
        List<PoolChunk> chunks,
        List<BaselineDevice.Platform> platformDevices,
        List<PciFunction> pciDevices,
        Map<String, String> aliases) {

    public PoolTree {
        cpus = List.copyOf(cpus);
        cpusAvailable = List.copyOf(cpusAvailable);
        chunks = List.copyOf(chunks);
        platformDevices = List.copyOf(platformDevices);
        pciDevices = List.copyOf(pciDevices);
        aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
    }

    /** The read-back tree in the documented shape. */
    public DeviceTree toTree() {
        Node.Builder resources = Node.builder("resources")
                .property(Property.u64("cpus", cpus))
                .property(Property.u64("cpus-available", cpusAvailable));
        for (PoolChunk c : chunks) {
            Node.Builder m = Node.builder("memory@" + Long.toHexString(c.base()))
                    .string("device_type", "memory")
                    .u64("reg", c.base(), c.size());
            c.numaNode().ifPresent(n -> m.u32("numa-node-id", n));
            resources.child(m.build());
        }
        if (!platformDevices.isEmpty()) {
            Node.Builder devs = Node.builder("devices");
            platformDevices.forEach(d -> devs.child(Devices.deviceNode(d)));
            resources.child(devs.build());
        }
        Node.Builder root = Node.builder("")
                .string("compatible", Multikernel.COMPATIBLE)
                .u32("#address-cells", 2)
                .u32("#size-cells", 2)
                .u32("id", 0)
                .child(resources.build());
        if (!aliases.isEmpty()) {
            root.child(Devices.aliasesNode(aliases));
        }
        PciTrees.hostBridges(pciDevices).forEach(root::child);
        return DeviceTree.of(root.build());
    }

    /**
     * Reads a pool tree.
     *
     * @throws DeviceTreeException naming the node or property that does not fit the format
     */
    public static PoolTree read(DeviceTree tree) throws DeviceTreeException {
        Node root = tree.root();
        Node resources = Props.requireChild(root, "/", "resources");
        String path = Multikernel.RESOURCES_PATH;
        List<Long> cpus = resources.hasProperty("cpus") ? Props.u64List(resources, path, "cpus") : List.of();
        List<Long> available =
                resources.hasProperty("cpus-available") ? Props.u64List(resources, path, "cpus-available") : List.of();
        List<PoolChunk> chunks = new ArrayList<>();
        for (Node m : resources.childrenNamed("memory")) {
            String mpath = path + "/" + m.name();
            Property reg = Props.require(m, mpath, "reg");
            if (reg.length() != 16) {
                throw new DeviceTreeException(
                        mpath + ": reg has length " + reg.length() + ", expected 16 bytes (<base64 size64>)");
            }
            long[] cells = reg.asU64Cells();
            if (cells[1] == 0) {
                throw new DeviceTreeException(mpath + ": reg size is 0");
            }
            chunks.add(new PoolChunk(cells[0], cells[1], Props.numaNode(m, mpath)));
        }
        return new PoolTree(
                cpus,
                available,
                chunks,
                platformDevices(resources, path),
                PciTrees.read(root),
                Devices.readAliases(root));
    }

    static List<BaselineDevice.Platform> platformDevices(Node resources, String path) throws DeviceTreeException {
        List<BaselineDevice.Platform> out = new ArrayList<>();
        Optional<Node> devs = resources.child("devices");
        if (devs.isPresent()) {
            for (BaselineDevice d : Devices.readDevices(devs.get(), path + "/devices")) {
                if (d instanceof BaselineDevice.Platform p) {
                    out.add(p);
                } else {
                    throw new DeviceTreeException(path + "/devices/" + d.nodeName() + ": PCI devices are"
                            + " listed under their host bridge in a read-back tree, not under devices");
                }
            }
        }
        return out;
    }
}
