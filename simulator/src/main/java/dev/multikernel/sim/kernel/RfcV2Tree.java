package dev.multikernel.sim.kernel;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.host.devicetree.Property;
import dev.multikernel.sim.kernel.KernelState.Chunk;
import dev.multikernel.sim.kernel.KernelState.Instance;
import dev.multikernel.sim.kernel.KernelState.InstanceStatus;
import dev.multikernel.sim.kernel.KernelState.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The RFC v2 kernfs (reference §1 "RFC v2", §2 "RFC v2"): the root device_tree creates
 * instances and swallows per-instance errors, device_tree_source prints a rebuilt DTS, rmdir
 * deletes an instance, and the pool comes from the boot command line.
 */
final class RfcV2Tree {
    static final String PLACEHOLDER = "Write multikernel device tree here to propagate to instances\n";
    static final int PAGE_SIZE = 4096;

    private final HostTopology topology;
    private final KernelLog log;

    RfcV2Tree(HostTopology topology, KernelLog log) {
        this.topology = topology;
        this.log = log;
    }

    /**
     * A write() of the root device_tree. Returns normally (the full byte count) even when every
     * instance failed; only a bad blob or a missing /instances node fails the call.
     */
    void writeDeviceTree(KernelState s, Optional<Chunk> pool, byte[] data) throws KernelError {
        if (data.length > PAGE_SIZE) {
            // no atomic_write_len: kernfs passes at most one page to the handler (reference §1)
            throw err(
                    Errno.EINVAL,
                    "DTB of " + data.length + " bytes is cut at " + PAGE_SIZE
                            + " bytes by kernfs; keep it under one page and write it with one write()");
        }
        log.info("Loading multikernel device tree (" + data.length + " bytes)");
        if (!Dt.headerLooksValid(data)) {
            throw err(Errno.EINVAL, "Invalid device tree header");
        }
        DeviceTree tree = Dt.parse(data, "device tree");
        Optional<Node> instances = tree.find("/instances");
        if (instances.isEmpty()) {
            throw err(Errno.EINVAL, "No /instances node found in device tree");
        }
        for (Node node : instances.get().children()) {
            String name = node.name();
            Optional<byte[]> idRaw = Dt.raw(node, "id");
            if (idRaw.isEmpty() || idRaw.get().length < 4) {
                log.err("No 'id' property found in instance '" + name + "'");
                continue;
            }
            if (s.instances.containsKey(name)) {
                log.info("Instance '" + name + "' already exists, updating DTB");
                continue;
            }
            try {
                create(s, pool, name, Dt.u32(idRaw.get(), 0), node);
            } catch (KernelError e) {
                log.err("Failed to create instance '" + name + "': -"
                        + e.errno().number() + " (" + e.reason() + ")");
            }
        }
        log.info("Successfully processed multikernel device tree");
    }

    private void create(KernelState s, Optional<Chunk> pool, String name, int id, Node node) throws KernelError {
        // 1. the per-instance DTB, built into one page
        Node.Builder inst = Node.builder(name);
        node.properties().forEach(inst::property);
        for (Node sub : node.children()) {
            inst.child(new Node(sub.name(), sub.properties(), List.of()));
        }
        Node root = Node.builder("")
                .string("compatible", "multikernel-v1")
                .child(Node.builder("instances").child(inst.build()).build())
                .build();
        byte[] dtb = Dt.write(root);
        if (dtb.length > PAGE_SIZE) {
            throw new KernelError(Errno.ENOSPC, "instance DTB of " + dtb.length + " bytes does not fit in one page");
        }
        if (id < 0) {
            throw new KernelError(Errno.EINVAL, "id " + Integer.toUnsignedString(id) + " is not a valid IDR slot");
        }
        if (s.instances.values().stream().anyMatch(i -> i.id == id)) {
            throw new KernelError(Errno.ENOSPC, "Failed to allocate IDR slot " + id + " for instance '" + name + "'");
        }
        // 2. parse resources
        Node resources = node.child("resources")
                .orElseThrow(() -> new KernelError(Errno.ENOENT, "No resources node found in instance"));
        long memoryBytes = 0;
        Optional<byte[]> mem = Dt.raw(resources, "memory-bytes");
        if (mem.isPresent()) {
            if (mem.get().length != 4) {
                throw new KernelError(
                        Errno.EINVAL,
                        "Invalid memory-bytes property length: " + mem.get().length + " (must be one u32)");
            }
            memoryBytes = Integer.toUnsignedLong(Dt.u32(mem.get(), 0));
            if (memoryBytes == 0 || memoryBytes % MemoryMap.PAGE != 0) {
                throw new KernelError(
                        Errno.EINVAL,
                        String.format("memory-bytes 0x%x must be non-zero and page-aligned", memoryBytes));
            }
        }
        List<Integer> cpus = new ArrayList<>();
        Optional<byte[]> cpuRaw = Dt.raw(resources, "cpus");
        if (cpuRaw.isPresent()) {
            if (cpuRaw.get().length % 4 != 0 || cpuRaw.get().length == 0) {
                throw new KernelError(
                        Errno.EINVAL, "Invalid or empty cpus property (length " + cpuRaw.get().length + ")");
            }
            for (int i = 0; i < cpuRaw.get().length; i += 4) {
                long cpu = Integer.toUnsignedLong(Dt.u32(cpuRaw.get(), i));
                if (cpu >= topology.nrCpuIds()
                        || topology.cpuByLogicalId((int) cpu).isEmpty()) {
                    throw new KernelError(
                            Errno.EINVAL, "Invalid CPU " + cpu + " (nr_cpu_ids " + topology.nrCpuIds() + ")");
                }
                if (!cpus.contains((int) cpu)) {
                    cpus.add((int) cpu);
                }
            }
        }
        // 3. memory from the boot pool
        Instance instance = new Instance();
        instance.name = name;
        instance.id = id;
        instance.state = InstanceStatus.EMPTY;
        if (memoryBytes > 0) {
            if (pool.isEmpty()) {
                throw new KernelError(Errno.ENOMEM, "No multikernel pool found - multikernel support disabled");
            }
            Optional<List<Region>> regions = MemoryMap.allocateFromPool(
                    memoryBytes, -1, List.of(pool.get()), MemoryMap.instanceRegions(s.instances.values()));
            if (regions.isEmpty()) {
                throw new KernelError(Errno.ENOMEM, "cannot allocate " + (memoryBytes >> 20) + " MB from the pool");
            }
            for (Region r : regions.get()) {
                instance.memory.add(r);
                instance.regionIndexes.add(instance.nextRegionIndex++);
            }
        }
        // 4. CPUs are taken offline; a CPU that cannot go offline is only a warning
        for (int cpu : cpus) {
            instance.cpus.add((long) cpu);
            if (topology.reservedCpus().contains(cpu)) {
                log.warn("Failed to offline CPU " + cpu + " for instance '" + name
                        + "'. Continuing without CPU assignment");
                instance.v2OnlineCpus.add(cpu);
            } else if (!s.v2OfflineCpus.contains(cpu)) {
                s.v2OfflineCpus.add(cpu);
            }
        }
        instance.v2Dtb = dtb;
        instance.state = InstanceStatus.READY;
        s.instances.put(name, instance);
        log.info("Created instance '" + name + "' (ID: " + id + ") from multikernel DTB");
    }

    /** rmdir instances/NAME: refused while loading or active; CPUs stay offline. */
    void rmdirInstance(KernelState s, Instance inst) throws KernelError {
        if (inst.state == InstanceStatus.ACTIVE || inst.state == InstanceStatus.LOADING) {
            throw err(Errno.EBUSY, "Cannot remove instance '" + inst.name + "' in state " + inst.state.text);
        }
        s.instances.remove(inst.name);
        log.info("Removed instance '" + inst.name + "' (ID: " + inst.id + "), memory returned to the pool");
    }

    /** device_tree_source, rebuilt from the stored DTB exactly as the v2 seq_show prints it. */
    String deviceTreeSource(Instance inst) {
        if (inst.v2Dtb == null) {
            return "(no device tree loaded)\n";
        }
        DeviceTree tree;
        try {
            tree = Dt.parse(inst.v2Dtb, "instance DTB");
        } catch (KernelError e) {
            return "/* Invalid device tree blob: -1 */\n";
        }
        Optional<Node> instances = tree.find("/instances");
        if (instances.isEmpty()) {
            return "/* No instances node found */\n";
        }
        if (instances.get().children().isEmpty()) {
            return "/* No instance found */\n";
        }
        Node node = instances.get().children().get(0);
        StringBuilder sb = new StringBuilder();
        sb.append("/dts-v1/;\n\n");
        sb.append('/').append(node.name()).append(" {\n");
        sb.append("\tcompatible = \"multikernel-v1\";\n");
        for (Property p : node.properties()) {
            appendProperty(sb, "\t", p, false);
        }
        for (Node sub : node.children()) {
            sb.append('\t').append(sub.name()).append(" {\n");
            for (Property p : sub.properties()) {
                appendProperty(sb, "\t\t", p, true);
            }
            sb.append("\t};\n");
        }
        sb.append("};\n");
        return sb.toString();
    }

    private static void appendProperty(StringBuilder sb, String indent, Property p, boolean memoryComment) {
        byte[] v = p.value();
        sb.append(indent).append(p.name()).append(" = ");
        if (v.length == 4) {
            long val = Integer.toUnsignedLong(Dt.u32(v, 0));
            if (memoryComment && p.name().equals("memory-bytes")) {
                sb.append(String.format("<0x%x>; // %d MB\n", val, val >> 20));
            } else {
                sb.append('<').append(val).append(">;\n");
            }
            return;
        }
        sb.append('[');
        for (int i = 0; i < v.length; i++) {
            sb.append(String.format("%02x", v[i] & 0xff));
            if (i < v.length - 1) {
                sb.append(' ');
            }
        }
        sb.append("];\n");
    }

    private KernelError err(Errno errno, String message) {
        log.err(message);
        return new KernelError(errno, message);
    }
}
