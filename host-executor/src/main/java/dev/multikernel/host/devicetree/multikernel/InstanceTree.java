package dev.multikernel.host.devicetree.multikernel;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.DeviceTreeException;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.host.devicetree.Property;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instance tree: what the current kernel's {@code instances/<name>/device_tree} reads back
 * (§2 "Instance read-back", §8 (b) step 6).
 *
 * <pre>
 * / {
 *     compatible = "multikernel-v1";
 *     model = "web";
 *     #address-cells = &lt;2&gt;;
 *     #size-cells = &lt;2&gt;;
 *     id = &lt;1&gt;;
 *     resources {
 *         memory-base = /bits/ 64 &lt;base&gt;;
 *         memory-bytes = /bits/ 64 &lt;bytes&gt;;
 *         cpus = /bits/ 64 &lt;physical ids&gt;;
 *         devices { platform devices };
 *     };
 *     aliases { ... };
 *     pci@0 { ... };
 * };
 * </pre>
 *
 * @param name the instance name ({@code model})
 * @param id the instance id
 * @param memoryBase physical base of its memory
 * @param memoryBytes size of its memory
 * @param cpus physical CPU ids it owns
 * @param platformDevices platform devices under {@code /resources/devices}
 * @param pciDevices PCI devices lent to it
 * @param aliases {@code /aliases}
 */
public record InstanceTree(
        String name,
        int id,
        long memoryBase,
        long memoryBytes,
        List<Long> cpus,
        List<BaselineDevice.Platform> platformDevices,
        List<PciFunction> pciDevices,
        Map<String, String> aliases) {

    public InstanceTree {
        InstanceNames.check(name);
        cpus = List.copyOf(cpus);
        platformDevices = List.copyOf(platformDevices);
        pciDevices = List.copyOf(pciDevices);
        aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
    }

    /** The read-back tree in the documented shape. */
    public DeviceTree toTree() {
        Node.Builder resources = Node.builder("resources")
                .u64("memory-base", memoryBase)
                .u64("memory-bytes", memoryBytes)
                .property(Property.u64("cpus", cpus));
        if (!platformDevices.isEmpty()) {
            Node.Builder devs = Node.builder("devices");
            platformDevices.forEach(d -> devs.child(Devices.deviceNode(d)));
            resources.child(devs.build());
        }
        Node.Builder root = Node.builder("")
                .string("compatible", Multikernel.COMPATIBLE)
                .string("model", name)
                .u32("#address-cells", 2)
                .u32("#size-cells", 2)
                .u32("id", id)
                .child(resources.build());
        if (!aliases.isEmpty()) {
            root.child(Devices.aliasesNode(aliases));
        }
        PciTrees.hostBridges(pciDevices).forEach(root::child);
        return DeviceTree.of(root.build());
    }

    /**
     * Reads an instance tree.
     *
     * @throws DeviceTreeException naming the node or property that does not fit the format
     */
    public static InstanceTree read(DeviceTree tree) throws DeviceTreeException {
        Node root = tree.root();
        String name = Props.string(root, "/", "model");
        String problem = InstanceNames.problem(name);
        if (problem != null) {
            throw new DeviceTreeException("/: model: " + problem);
        }
        int id = Props.u32(root, "/", "id");
        Node resources = Props.requireChild(root, "/", "resources");
        String path = Multikernel.RESOURCES_PATH;
        long base = resources.hasProperty("memory-base") ? Props.u64(resources, path, "memory-base") : 0;
        long bytes = resources.hasProperty("memory-bytes") ? Props.u64(resources, path, "memory-bytes") : 0;
        List<Long> cpus = resources.hasProperty("cpus") ? Props.u64List(resources, path, "cpus") : List.of();
        return new InstanceTree(
                name,
                id,
                base,
                bytes,
                cpus,
                PoolTree.platformDevices(resources, path),
                PciTrees.read(root),
                Devices.readAliases(root));
    }
}
