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
import java.util.OptionalInt;

/**
 * The current-tree baseline: the one-shot request written to the root {@code device_tree}
 * (kernel-interface.md §2 "Baseline", §8 (a)).
 *
 * <pre>
 * / {
 *     compatible = "multikernel-v1";
 *     resources {
 *         cpus = /bits/ 64 &lt;physical ids&gt;;          // required, non-empty
 *         memory@0 { size = /bits/ 64 &lt;bytes&gt;; numa-node-id = &lt;n&gt;; };  // at least one
 *         devices { pci_0000_09_00_0 { device-type = "pci"; pci-id = "0000:09:00.0";
 *                                      vendor-id = &lt;..&gt;; device-id = &lt;..&gt;; }; };
 *     };
 *     aliases { enp9s0 = "/resources/devices/pci_0000_09_00_0"; };
 * };
 * </pre>
 *
 * <p>{@link #read} enforces the format rules the kernel checks when parsing (§1 table, §2):
 * {@code /resources} present, no {@code /instances} children, {@code cpus} non-empty u64,
 * at least one {@code memory@N} with an 8-byte non-zero page-aligned {@code size}, no
 * {@code memory-base}/{@code memory-bytes} ("no longer accepted"), device nodes with the
 * properties their {@code device-type} needs. Rules that depend on the machine (CPU present,
 * {@code MAX_NUMNODES}) are left to the caller.
 *
 * @param cpus physical CPU ids (x86 APIC ids) given to the pool
 * @param memory memory requests, one {@code memory@N} each, N = index
 * @param devices devices under {@code /resources/devices}
 * @param aliases {@code /aliases} entries (alias name to node path)
 */
public record Baseline(
        List<Long> cpus, List<MemoryRequest> memory, List<BaselineDevice> devices, Map<String, String> aliases) {

    public Baseline {
        cpus = List.copyOf(cpus);
        memory = List.copyOf(memory);
        devices = List.copyOf(devices);
        aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("a baseline needs at least one CPU (/resources/cpus)");
        }
        if (memory.isEmpty()) {
            throw new IllegalArgumentException("a baseline needs at least one memory@N request");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The baseline as a device tree (see the class comment for the shape). */
    public DeviceTree toTree() {
        Node.Builder resources = Node.builder("resources");
        resources.property(Property.u64("cpus", cpus));
        for (int i = 0; i < memory.size(); i++) {
            MemoryRequest m = memory.get(i);
            Node.Builder mem = Node.builder("memory@" + Integer.toHexString(i)).u64("size", m.size());
            m.numaNode().ifPresent(n -> mem.u32("numa-node-id", n));
            resources.child(mem.build());
        }
        if (!devices.isEmpty()) {
            Node.Builder devs = Node.builder("devices");
            devices.forEach(d -> devs.child(Devices.deviceNode(d)));
            resources.child(devs.build());
        }
        Node.Builder root =
                Node.builder("").string("compatible", Multikernel.COMPATIBLE).child(resources.build());
        if (!aliases.isEmpty()) {
            root.child(Devices.aliasesNode(aliases));
        }
        return DeviceTree.of(root.build());
    }

    /**
     * Reads a baseline, enforcing the kernel's format rules.
     *
     * @throws DeviceTreeException naming the node or property that breaks a rule
     */
    public static Baseline read(DeviceTree tree) throws DeviceTreeException {
        Node root = tree.root();
        Optional<Node> instances = root.child("instances");
        if (instances.isPresent() && !instances.get().children().isEmpty()) {
            throw new DeviceTreeException("/instances: a baseline must not define instances (found "
                    + instances.get().children().get(0).name() + "); create them with an instance-create"
                    + " overlay");
        }
        Node resources = root.child("resources")
                .orElseThrow(() ->
                        new DeviceTreeException("/resources: missing; a baseline describes the pool under /resources"));
        String path = Multikernel.RESOURCES_PATH;
        for (String legacy : new String[] {"memory-base", "memory-bytes"}) {
            if (resources.hasProperty(legacy)) {
                throw new DeviceTreeException(path + ": property \"" + legacy + "\" is no longer"
                        + " accepted in a baseline; request memory with memory@N { size = /bits/ 64 <bytes>; }");
            }
        }
        List<Long> cpus = Props.u64List(resources, path, "cpus");
        if (cpus.isEmpty()) {
            throw new DeviceTreeException(
                    path + ": property \"cpus\" is empty; list at least one" + " physical CPU id");
        }
        List<MemoryRequest> memory = new ArrayList<>();
        for (Node m : resources.childrenNamed("memory")) {
            String mpath = Props.childPath(path, m.name());
            memory.add(readMemoryRequest(m, mpath));
        }
        if (memory.isEmpty()) {
            throw new DeviceTreeException(
                    path + ": no memory@N node; a baseline needs at least one" + " memory request");
        }
        List<BaselineDevice> devices = List.of();
        Optional<Node> devs = resources.child("devices");
        if (devs.isPresent()) {
            devices = Devices.readDevices(devs.get(), path + "/devices");
        }
        return new Baseline(cpus, memory, devices, Devices.readAliases(root));
    }

    /** A {@code memory@N { size; numa-node-id; }} request (baseline and pool memory-add). */
    static MemoryRequest readMemoryRequest(Node m, String mpath) throws DeviceTreeException {
        long size = Props.u64(m, mpath, "size");
        if (size == 0 || !Multikernel.pageAligned(size)) {
            throw new DeviceTreeException(mpath + ": size 0x" + Long.toHexString(size)
                    + " must be non-zero and page aligned (multiple of 4096)");
        }
        OptionalInt numa = Props.numaNode(m, mpath);
        if (numa.isPresent() && numa.getAsInt() < 0) {
            throw new DeviceTreeException(
                    mpath + ": numa-node-id " + Integer.toUnsignedString(numa.getAsInt()) + " is out of range");
        }
        return new MemoryRequest(size, numa);
    }

    /** Fluent builder; {@link #build()} validates like the record. */
    public static final class Builder {
        private final List<Long> cpus = new ArrayList<>();
        private final List<MemoryRequest> memory = new ArrayList<>();
        private final List<BaselineDevice> devices = new ArrayList<>();
        private final Map<String, String> aliases = new LinkedHashMap<>();

        private Builder() {}

        /** Adds physical CPU ids (x86 APIC ids). */
        public Builder cpus(long... physicalIds) {
            for (long id : physicalIds) {
                cpus.add(id);
            }
            return this;
        }

        public Builder cpus(List<Long> physicalIds) {
            cpus.addAll(physicalIds);
            return this;
        }

        /** Adds a memory request of {@code size} bytes from any NUMA node. */
        public Builder memory(long size) {
            memory.add(MemoryRequest.of(size));
            return this;
        }

        /** Adds a memory request of {@code size} bytes from NUMA node {@code numaNode}. */
        public Builder memory(long size, int numaNode) {
            memory.add(MemoryRequest.of(size, numaNode));
            return this;
        }

        /** Adds a PCI device named {@code pci_DDDD_BB_SS_F}. */
        public Builder pciDevice(String pciId, int vendorId, int deviceId) {
            PciAddress address = PciAddress.parse(pciId);
            devices.add(
                    new BaselineDevice.Pci(BaselineDevice.Pci.defaultNodeName(address), address, vendorId, deviceId));
            return this;
        }

        /** Adds a PCI device and an {@code /aliases} entry naming it (e.g. {@code enp9s0}). */
        public Builder pciDevice(String pciId, int vendorId, int deviceId, String alias) {
            pciDevice(pciId, vendorId, deviceId);
            BaselineDevice added = devices.get(devices.size() - 1);
            aliases.put(alias, Multikernel.RESOURCES_PATH + "/devices/" + added.nodeName());
            return this;
        }

        /** Adds a platform device named by its driver name ({@code device-name}). */
        public Builder platformDevice(String nodeName, String deviceName) {
            devices.add(new BaselineDevice.Platform(nodeName, Optional.of(deviceName), Optional.empty()));
            return this;
        }

        /** Adds any device. */
        public Builder device(BaselineDevice device) {
            devices.add(device);
            return this;
        }

        /** Adds an {@code /aliases} entry. */
        public Builder alias(String name, String path) {
            aliases.put(name, path);
            return this;
        }

        public Baseline build() {
            return new Baseline(cpus, memory, devices, aliases);
        }

        /** Shorthand for {@code build().toTree()}. */
        public DeviceTree buildTree() {
            return build().toTree();
        }
    }
}
