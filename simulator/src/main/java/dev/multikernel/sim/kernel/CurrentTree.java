package dev.multikernel.sim.kernel;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.host.devicetree.Property;
import dev.multikernel.sim.kernel.KernelState.Chunk;
import dev.multikernel.sim.kernel.KernelState.Device;
import dev.multikernel.sim.kernel.KernelState.Instance;
import dev.multikernel.sim.kernel.KernelState.InstanceStatus;
import dev.multikernel.sim.kernel.KernelState.PlatformDevice;
import dev.multikernel.sim.kernel.KernelState.Pool;
import dev.multikernel.sim.kernel.KernelState.Region;
import dev.multikernel.sim.kernel.KernelState.Tx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The current mklinux tree's kernfs behaviour (reference §1 "Current tree", §2 "Current tree",
 * §3 "Current tree", §7 "Current-tree caveats"): the one-shot baseline, the pool read-back,
 * overlay transactions with their rollback, and the instance read-back.
 */
final class CurrentTree {
    static final int BASELINE_ATOMIC_WRITE_LEN = 1 << 20;
    static final int OVERLAY_MAX_BYTES = 1 << 20;
    static final int PAGE_SIZE = 4096;
    static final int TX_TARGET_LEN = 128;
    static final int TX_RESOURCES_LEN = 256;

    private final HostTopology topology;
    private final MemoryMap memoryMap;
    private final KernelLog log;
    private final FaultInjector faults;

    CurrentTree(HostTopology topology, MemoryMap memoryMap, KernelLog log, FaultInjector faults) {
        this.topology = topology;
        this.memoryMap = memoryMap;
        this.log = log;
        this.faults = faults;
    }

    // =========================================================== baseline (§1 "Writing the root device_tree")

    void writeBaseline(KernelState s, byte[] data) throws KernelError {
        if (data.length > BASELINE_ATOMIC_WRITE_LEN) {
            // kernfs refuses writes longer than the file's atomic_write_len before the handler runs
            throw new KernelError(
                    Errno.E2BIG,
                    "write of " + data.length + " bytes exceeds the 1 MiB atomic write length of device_tree");
        }
        log.info("Loading host kernel device tree configuration (" + data.length + " bytes at offset 0)");
        if (!Dt.headerLooksValid(data)) {
            log.err("Invalid device tree header");
            throw new KernelError(Errno.EINVAL, "Invalid device tree header");
        }
        if (Dt.totalSize(data) != data.length) {
            String m = "DTB size mismatch: header says " + Dt.totalSize(data) + " bytes, received " + data.length
                    + " bytes (write the whole blob with one write())";
            log.err(m);
            throw new KernelError(Errno.EINVAL, m);
        }
        DeviceTree tree = Dt.parse(data, "baseline DTB");
        Optional<Node> instances = tree.find("/instances");
        if (instances.isPresent() && !instances.get().children().isEmpty()) {
            String m = "Device tree contains kernel instances. Host kernel configuration must not contain instances.";
            log.err(m);
            throw new KernelError(Errno.EINVAL, m);
        }
        Pool pool = s.pool;
        if (pool != null && (!pool.chunks.isEmpty() || !pool.freeCpus.isEmpty() || !pool.freeDevices.isEmpty())) {
            String m = "Baseline already applied; change the pool with an overlay targeting /resources";
            log.err(m);
            throw new KernelError(Errno.EBUSY, m);
        }
        Optional<Node> resourcesOpt = tree.find("/resources");
        if (resourcesOpt.isEmpty()) {
            log.err("No /resources node found in baseline DTB");
            throw new KernelError(Errno.EINVAL, "No /resources node found in baseline DTB");
        }
        Node resources = resourcesOpt.get();

        // CPUs: u64 physical ids, required, non-empty
        byte[] cpusRaw = Dt.raw(resources, "cpus")
                .orElseThrow(() -> fail(Errno.EINVAL, "No 'cpus' property in baseline /resources node"));
        if (cpusRaw.length % 8 != 0) {
            throw fail(
                    Errno.EINVAL,
                    "Invalid 'cpus' property length: " + cpusRaw.length
                            + " (must be an array of 64-bit physical CPU IDs)");
        }
        if (cpusRaw.length == 0) {
            throw fail(Errno.EINVAL, "Empty CPU list in baseline");
        }
        Set<Long> requested = new LinkedHashSet<>();
        for (int i = 0; i < cpusRaw.length; i += 8) {
            requested.add(Dt.u64At(cpusRaw, i));
        }

        // memory@N { size; numa-node-id; }
        List<long[]> memReqs = new ArrayList<>();
        for (Node m : resources.children()) {
            if (!m.name().startsWith("memory@")) {
                continue;
            }
            if (memReqs.size() == HostTopology.MAX_NUMNODES) {
                throw fail(Errno.E2BIG, "Baseline: more than " + HostTopology.MAX_NUMNODES + " memory@ nodes");
            }
            byte[] size = Dt.raw(m, "size").orElse(null);
            if (size == null || size.length != 8) {
                throw fail(Errno.EINVAL, "Baseline " + m.name() + ": missing or invalid 'size'");
            }
            long sz = Dt.u64At(size, 0);
            if (sz == 0 || sz % MemoryMap.PAGE != 0) {
                throw fail(
                        Errno.EINVAL,
                        String.format("Baseline %s: size 0x%x not a positive page multiple", m.name(), sz));
            }
            int node = -1;
            Optional<byte[]> nid = Dt.raw(m, "numa-node-id");
            if (nid.isPresent()) {
                if (nid.get().length != 4) {
                    throw fail(
                            Errno.EINVAL,
                            "Baseline " + m.name() + ": invalid 'numa-node-id' length " + nid.get().length);
                }
                node = Dt.u32(nid.get(), 0);
                if (node < 0 || node >= HostTopology.MAX_NUMNODES) {
                    throw fail(Errno.EINVAL, "Baseline " + m.name() + ": numa-node-id " + node + " out of range");
                }
            }
            memReqs.add(new long[] {sz, node});
        }
        if (memReqs.isEmpty()) {
            if (resources.hasProperty("memory-bytes")) {
                throw fail(
                        Errno.EINVAL,
                        "Baseline: memory-base/memory-bytes are no longer accepted; "
                                + "use memory@N { size; numa-node-id; }");
            }
            throw fail(Errno.EINVAL, "Baseline has no memory@N node; the pool needs memory");
        }

        // devices
        List<Device> pciRequests = new ArrayList<>();
        List<PlatformDevice> platform = new ArrayList<>();
        Optional<Node> devices = resources.child("devices");
        if (devices.isPresent()) {
            for (Node d : devices.get().children()) {
                Optional<String> type = Dt.looseString(d, "device-type");
                if (type.isEmpty()) {
                    log.warn("Device '" + d.name() + "' has no device-type property, skipping");
                    continue;
                }
                switch (type.get()) {
                    case "pci" -> pciRequests.add(parsePciDeviceNode(tree, d, "baseline"));
                    case "platform" -> {
                        PlatformDevice p = new PlatformDevice();
                        p.name = Dt.looseString(d, "device-name").orElse(d.name());
                        p.hid = Dt.looseString(d, "acpi-hid").orElse("");
                        if (!d.hasProperty("device-name") && !d.hasProperty("acpi-hid")) {
                            log.warn("Platform device '" + d.name() + "' has neither device-name nor acpi-hid");
                        }
                        platform.add(p);
                    }
                    default ->
                        log.warn("Unknown device-type '" + type.get() + "' for device '" + d.name() + "', skipping");
                }
            }
        }

        // CPUs must exist and be present (§2: ENODEV); the boot CPU only draws a warning
        for (long cpu : requested) {
            Optional<HostTopology.Cpu> c = topology.cpuByApicId(cpu);
            if (c.isEmpty()) {
                throw fail(Errno.ENODEV, "Baseline CPU " + cpu + " not found in system (not present)");
            }
            if (c.get().logicalId() == 0 || cpu == 0) {
                log.warn("Baseline includes boot CPU (phys " + cpu + ", logical "
                        + c.get().logicalId() + ") - this may cause system instability");
            }
        }

        if (s.pool == null) {
            s.pool = new Pool();
        }
        pool = s.pool;
        for (long[] req : memReqs) {
            Optional<Chunk> chunk = memoryMap.growPool(req[0], (int) req[1], usedRam(s));
            if (chunk.isEmpty()) {
                throw fail(Errno.ENOMEM, "Baseline: failed to allocate " + (req[0] >> 20) + " MB on node " + req[1]);
            }
            pool.chunks.add(chunk.get());
            log.info(String.format(
                    "Pool grew by %d MB at 0x%x (node %d)", req[0] >> 20, chunk.get().base, chunk.get().node));
        }
        int failed = 0;
        for (long cpu : requested) {
            try {
                poolCpuAdd(s, cpu);
            } catch (KernelError e) {
                log.err("Failed to move CPU " + cpu + " into the pool: -"
                        + e.errno().number());
                failed++;
            }
        }
        if (failed > 0) {
            throw fail(Errno.EBUSY, "Failed to move " + failed + " CPUs - baseline initialization incomplete");
        }
        for (Device d : pciRequests) {
            try {
                poolDeviceAdd(s, d.pciId, d.alias);
            } catch (KernelError e) {
                log.warn(String.format(
                        "PCI device %04x:%04x@%s not moved into the pool: -%d",
                        d.vendor, d.device, d.pciId, e.errno().number()));
            }
        }
        pool.platformDevices.addAll(platform);
        log.info("Multikernel baseline initialized successfully");
    }

    private Device parsePciDeviceNode(DeviceTree tree, Node d, String where) throws KernelError {
        String raw = Dt.looseString(d, "pci-id")
                .orElseThrow(() -> fail(Errno.EINVAL, "PCI device '" + d.name() + "' missing pci-id property"));
        String id = Dt.pciId(raw)
                .orElseThrow(
                        () -> fail(Errno.EINVAL, "Invalid pci-id format '" + raw + "' for device '" + d.name() + "'"));
        byte[] vendor = Dt.raw(d, "vendor-id").orElse(null);
        if (vendor == null || vendor.length != 4) {
            throw fail(Errno.EINVAL, "PCI device '" + d.name() + "' missing or invalid vendor-id");
        }
        byte[] device = Dt.raw(d, "device-id").orElse(null);
        if (device == null || device.length != 4) {
            throw fail(Errno.EINVAL, "PCI device '" + d.name() + "' missing or invalid device-id");
        }
        return new Device(id, Dt.u32(vendor, 0) & 0xffff, Dt.u32(device, 0) & 0xffff, aliasOf(tree, d));
    }

    /** The /aliases entry whose path names {@code node} (mk_dt_node_alias). */
    private static String aliasOf(DeviceTree tree, Node node) {
        Optional<Node> aliases = tree.find("/aliases");
        if (aliases.isEmpty()) {
            return "";
        }
        for (Property p : aliases.get().properties()) {
            byte[] v = p.value();
            if (v.length == 0 || v[0] != '/') {
                continue;
            }
            int end = 0;
            while (end < v.length && v[end] != 0) {
                end++;
            }
            String path = new String(v, 0, end, StandardCharsets.UTF_8);
            Optional<Node> target = tree.find(path);
            if (target.isPresent() && target.get() == node) {
                return p.name();
            }
        }
        return "";
    }

    private KernelError fail(Errno errno, String message) {
        log.err(message);
        return new KernelError(errno, message);
    }

    /** RAM already taken: pool chunks. */
    private static List<Region> usedRam(KernelState s) {
        List<Region> used = new ArrayList<>();
        if (s.pool != null) {
            for (Chunk c : s.pool.chunks) {
                used.add(new Region(c.base, c.size));
            }
        }
        return used;
    }

    // =========================================================== pool membership helpers

    /** Every pool member CPU: free plus lent to instances. */
    static Set<Long> poolMembers(KernelState s) {
        Set<Long> all = new TreeSet<>();
        if (s.pool != null) {
            all.addAll(s.pool.freeCpus);
        }
        for (Instance i : s.instances.values()) {
            all.addAll(i.cpus);
        }
        return all;
    }

    private void poolCpuAdd(KernelState s, long cpu) throws KernelError {
        Optional<HostTopology.Cpu> c = topology.cpuByApicId(cpu);
        if (c.isEmpty()) {
            throw new KernelError(Errno.ENODEV, "CPU " + cpu + " does not exist on this host");
        }
        if (poolMembers(s).contains(cpu)) {
            throw new KernelError(Errno.EBUSY, "CPU " + cpu + " is already in the pool");
        }
        if (topology.reservedCpus().contains(c.get().logicalId())) {
            throw new KernelError(
                    Errno.EBUSY,
                    "CPU " + cpu + " (logical " + c.get().logicalId() + ") cannot be taken offline by this host");
        }
        s.pool.freeCpus.add(cpu);
        s.pool.freeCpus.sort(Comparator.naturalOrder());
    }

    private void poolCpuRemove(KernelState s, long cpu) throws KernelError {
        if (s.pool.freeCpus.remove(Long.valueOf(cpu))) {
            return;
        }
        if (poolMembers(s).contains(cpu)) {
            throw new KernelError(Errno.EBUSY, "CPU " + cpu + " is lent to an instance");
        }
        throw new KernelError(Errno.EINVAL, "CPU " + cpu + " is not in the pool");
    }

    private static boolean pciInUse(KernelState s, String id) {
        if (s.pool != null && s.pool.freeDevices.stream().anyMatch(d -> d.pciId.equals(id))) {
            return true;
        }
        return s.instances.values().stream().anyMatch(i -> i.devices.stream().anyMatch(d -> d.pciId.equals(id)));
    }

    private void poolDeviceAdd(KernelState s, String id, String alias) throws KernelError {
        Optional<HostTopology.PciDevice> dev = topology.deviceByAddress(id);
        if (dev.isEmpty()) {
            throw new KernelError(Errno.ENODEV, "PCI device " + id + " does not exist on this host");
        }
        if (pciInUse(s, id)) {
            throw new KernelError(Errno.EBUSY, "PCI device " + id + " is already in the pool");
        }
        s.pool.freeDevices.add(new Device(id, dev.get().vendorId(), dev.get().deviceId(), alias == null ? "" : alias));
    }

    private void poolDeviceRemove(KernelState s, String id) throws KernelError {
        if (s.pool.freeDevices.removeIf(d -> d.pciId.equals(id))) {
            return;
        }
        if (pciInUse(s, id)) {
            throw new KernelError(Errno.EBUSY, "PCI device " + id + " is lent to an instance");
        }
        throw new KernelError(Errno.ENOENT, "PCI device " + id + " is not in the pool");
    }

    // =========================================================== read-back trees (§2 "Pool read-back")

    /** The root device_tree read: the pool once a baseline exists, else this kernel's own view. */
    byte[] rootDeviceTree(KernelState s) {
        Node.Builder root = Node.builder("")
                .string("compatible", "multikernel-v1")
                .u32("#address-cells", 2)
                .u32("#size-cells", 2)
                .u32("id", 0);
        Node.Builder res = Node.builder("resources");
        List<Device> pci;
        if (s.pool != null) {
            Set<Long> members = poolMembers(s);
            if (!members.isEmpty()) {
                res.property(Property.u64("cpus", new ArrayList<>(members)));
            }
            if (!s.pool.freeCpus.isEmpty()) {
                res.property(Property.u64("cpus-available", new ArrayList<>(new TreeSet<>(s.pool.freeCpus))));
            }
            for (Chunk c : s.pool.chunks) {
                res.child(Node.builder(String.format("memory@%x", c.base))
                        .string("device_type", "memory")
                        .u64("reg", c.base, c.size)
                        .u32("numa-node-id", c.node)
                        .build());
            }
            addPlatformDevices(res, s.pool.platformDevices);
            pci = s.pool.freeDevices;
        } else {
            List<Long> own = new ArrayList<>();
            for (HostTopology.Cpu c : topology.cpus()) {
                own.add((long) c.apicId());
            }
            own.sort(Comparator.naturalOrder());
            res.property(Property.u64("cpus", own));
            pci = List.of();
        }
        root.child(res.build());
        addPciNodes(root, pci);
        return Dt.write(root.build());
    }

    /** instances/NAME/device_tree: what the instance owns (§2 "Instance read-back"). */
    byte[] instanceDeviceTree(Instance inst) {
        Node.Builder root = Node.builder("")
                .string("compatible", "multikernel-v1")
                .string("model", inst.name)
                .u32("#address-cells", 2)
                .u32("#size-cells", 2)
                .u32("id", inst.id);
        Node.Builder res = Node.builder("resources");
        if (inst.memoryBytes() > 0) {
            res.u64("memory-base", inst.memory.get(0).base);
            res.u64("memory-bytes", inst.memoryBytes());
        }
        if (!inst.cpus.isEmpty()) {
            res.property(Property.u64("cpus", inst.cpus));
        }
        addPlatformDevices(res, inst.platformDevices);
        root.child(res.build());
        addPciNodes(root, inst.devices);
        if (inst.hostTree != null) {
            try {
                Node host = Dt.parse(inst.hostTree, "stored host tree").root();
                Node named = new Node("multikernel,host-tree", host.properties(), host.children());
                root.child(Node.builder("chosen").child(named).build());
            } catch (KernelError e) {
                log.warn("stored host-tree of '" + inst.name + "' is unreadable: " + e.getMessage());
            }
        }
        return Dt.write(root.build());
    }

    private static void addPlatformDevices(Node.Builder res, List<PlatformDevice> devices) {
        if (devices.isEmpty()) {
            return;
        }
        Node.Builder d = Node.builder("devices");
        for (PlatformDevice p : devices) {
            Node.Builder n =
                    Node.builder(p.name.isEmpty() ? "platform" : p.name).string("device-type", "platform");
            if (!p.name.isEmpty()) {
                n.string("device-name", p.name);
            }
            if (!p.hid.isEmpty()) {
                n.string("acpi-hid", p.hid);
            }
            d.child(n.build());
        }
        res.child(d.build());
    }

    /** /aliases and one pci@BUS host-bridge node per root bus with a device under it. */
    private static void addPciNodes(Node.Builder root, List<Device> devices) {
        Map<String, String> aliases = new LinkedHashMap<>();
        Map<String, Node.Builder> bridges = new TreeMap<>();
        Map<String, Integer> bridgeDomain = new LinkedHashMap<>();
        for (Device d : devices) {
            int domain = Integer.parseInt(d.pciId.substring(0, 4), 16);
            int bus = Integer.parseInt(d.pciId.substring(5, 7), 16);
            int slot = Integer.parseInt(d.pciId.substring(8, 10), 16);
            int fn = Integer.parseInt(d.pciId.substring(11), 16);
            String bridgeName = String.format("pci@%x", bus);
            Integer existingDomain = bridgeDomain.get(bridgeName);
            if (existingDomain != null && existingDomain != domain) {
                continue; // same bus number in another domain: the node name would clash, as in the kernel
            }
            Node.Builder b = bridges.computeIfAbsent(
                    bridgeName,
                    n -> Node.builder(n)
                            .string("compatible", "multikernel,pci-host-bridge")
                            .string("device_type", "pci")
                            .u32("#address-cells", 3)
                            .u32("#size-cells", 2)
                            .u32("linux,pci-domain", domain)
                            .u32("bus-range", bus, bus));
            bridgeDomain.put(bridgeName, domain);
            int devfn = (slot << 3) | fn;
            String leaf = String.format("pci@%x,%x", slot, fn);
            b.child(Node.builder(leaf)
                    .u32("reg", (bus << 16) | (devfn << 8), 0, 0, 0, 0)
                    .u32("vendor-id", d.vendor)
                    .u32("device-id", d.device)
                    .build());
            if (!d.alias.isEmpty()) {
                aliases.put(d.alias, "/" + bridgeName + "/" + leaf);
            }
        }
        if (!aliases.isEmpty()) {
            Node.Builder a = Node.builder("aliases");
            aliases.forEach(a::string);
            root.child(a.build());
        }
        bridges.values().forEach(b -> root.child(b.build()));
    }

    // =========================================================== overlays (§2 "Overlay (DTBO) format")

    /** A write() to overlays/new; returns normally when the write() would return nbytes. */
    void writeOverlay(KernelState s, long offset, byte[] data) throws KernelError {
        if (offset != 0) {
            throw new KernelError(Errno.EINVAL, "overlays/new takes a write at offset 0 only (got " + offset + ")");
        }
        if (data.length == 0) {
            throw new KernelError(Errno.EINVAL, "empty write to overlays/new");
        }
        if (data.length > OVERLAY_MAX_BYTES) {
            throw fail(Errno.EFBIG, "Overlay blob too large: " + data.length + " bytes");
        }
        if (data.length > PAGE_SIZE) {
            // overlays/new has no atomic_write_len: kernfs hands the handler one page at a time,
            // so a larger blob never arrives whole (reference §7 caveat 3).
            throw fail(
                    Errno.EINVAL,
                    "Overlay blob of " + data.length + " bytes is cut at " + PAGE_SIZE
                            + " bytes by kernfs; keep DTBOs within one page");
        }
        if (!Dt.headerLooksValid(data)) {
            throw fail(Errno.EINVAL, "Invalid overlay FDT header");
        }
        DeviceTree tree = Dt.parse(data, "overlay FDT");
        Tx tx = new Tx();
        tx.id = ++s.lastTxId;
        tx.dtbo = data.clone();
        tx.status = "pending";
        fillMetadata(tx, tree);
        log.info("Applying overlay transaction " + tx.id + " (target=" + tx.instance + ", resources=" + tx.resources
                + ")");
        try {
            walk(s, tx, tree, false);
            tx.status = "applied";
            log.info("Overlay transaction " + tx.id + " applied successfully");
        } catch (KernelError e) {
            tx.status = "failed";
            log.err("Failed to apply overlay transaction " + tx.id + ": -"
                    + e.errno().number() + " (" + e.reason() + ")");
        }
        s.transactions.put(tx.id, tx);
    }

    /** rmdir overlays/tx_N: roll back in reverse; on failure the tx stays with status failed. */
    void removeTransaction(KernelState s, Tx tx) throws KernelError {
        log.info("Removing overlay transaction " + tx.id);
        DeviceTree tree = Dt.parse(tx.dtbo, "stored overlay");
        try {
            walk(s, tx, tree, true);
        } catch (KernelError e) {
            tx.status = "failed";
            log.err("Failed to rollback overlay transaction " + tx.id + ": -"
                    + e.errno().number());
            throw e;
        }
        s.transactions.remove(tx.id);
        log.info("Overlay transaction " + tx.id + " rolled back successfully");
    }

    private void fillMetadata(Tx tx, DeviceTree tree) {
        tx.instance = "unknown";
        tx.resources = "unknown";
        Optional<byte[]> res = Dt.raw(tree.root(), "mk,resources");
        if (res.isPresent() && res.get().length > 0) {
            tx.resources = truncate(res.get(), TX_RESOURCES_LEN);
        }
        try {
            List<Node> frags = fragments(tree);
            Optional<byte[]> target = Dt.raw(frags.get(0), "target-path");
            if (target.isPresent() && target.get().length > 0) {
                tx.instance = truncate(target.get(), TX_TARGET_LEN);
            }
        } catch (KernelError e) {
            // no usable fragment: metadata stays "unknown", the apply reports the error
        }
    }

    /** strscpy into a buffer of {@code size}: up to the first NUL, at most size-1 bytes. */
    private static String truncate(byte[] v, int size) {
        int end = 0;
        while (end < v.length && v[end] != 0 && end < size - 1) {
            end++;
        }
        return new String(v, 0, end, StandardCharsets.UTF_8);
    }

    /** fragment@HEX children in ascending unit-address order. */
    private List<Node> fragments(DeviceTree tree) throws KernelError {
        TreeMap<Long, List<Node>> byUnit = new TreeMap<>();
        int count = 0;
        for (Node c : tree.root().children()) {
            if (!c.name().startsWith("fragment@")) {
                continue;
            }
            String unit = c.name().substring("fragment@".length());
            if (unit.startsWith("0x") || unit.startsWith("0X")) {
                unit = unit.substring(2);
            }
            long u;
            try {
                u = Long.parseLong(unit, 16);
                if (unit.isEmpty() || u > 0xffffffffL || unit.startsWith("+") || unit.startsWith("-")) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new KernelError(Errno.EINVAL, "Overlay: '" + c.name() + "' has no valid unit address");
            }
            byUnit.computeIfAbsent(u, k -> new ArrayList<>()).add(c);
            count++;
        }
        if (count == 0) {
            throw new KernelError(Errno.EINVAL, "no usable fragment@N node");
        }
        List<Node> out = new ArrayList<>();
        byUnit.values().forEach(out::addAll);
        return out;
    }

    private enum Kind {
        POOL,
        INSTANCE,
        INSTANCES
    }

    private record Target(Kind kind, String path, Instance instance) {
        String name() {
            return kind == Kind.INSTANCE ? instance.name : path;
        }
    }

    private enum Op {
        INSTANCE_CREATE("instance-create"),
        MEMORY_REMOVE("memory-remove"),
        MEMORY_ADD("memory-add"),
        CPU_REMOVE("cpu-remove"),
        CPU_ADD("cpu-add"),
        DEVICE_REMOVE("device-remove"),
        DEVICE_ADD("device-add"),
        INSTANCE_REMOVE("instance-remove");

        final String nodeName;

        Op(String nodeName) {
            this.nodeName = nodeName;
        }
    }

    private static final List<Op> ORDER = List.of(
            Op.INSTANCE_CREATE,
            Op.MEMORY_REMOVE,
            Op.MEMORY_ADD,
            Op.CPU_REMOVE,
            Op.CPU_ADD,
            Op.DEVICE_REMOVE,
            Op.DEVICE_ADD,
            Op.INSTANCE_REMOVE);
    /** /resources fragments release CPUs and devices before memory (the park area lives in pool memory). */
    private static final List<Op> POOL_ORDER = List.of(
            Op.INSTANCE_CREATE,
            Op.CPU_REMOVE,
            Op.DEVICE_REMOVE,
            Op.MEMORY_REMOVE,
            Op.MEMORY_ADD,
            Op.CPU_ADD,
            Op.DEVICE_ADD,
            Op.INSTANCE_REMOVE);

    private void walk(KernelState s, Tx tx, DeviceTree tree, boolean undo) throws KernelError {
        List<Node> frags = fragments(tree);
        if (undo) {
            frags = new ArrayList<>(frags);
            java.util.Collections.reverse(frags);
        }
        for (Node frag : frags) {
            Target target = resolveTarget(s, tx, frag);
            if (!undo) {
                Optional<Errno> injected = faults.take(Operation.OVERLAY_APPLY, target.path());
                if (injected.isPresent()) {
                    throw new KernelError(injected.get(), "injected fault applying fragment for " + target.path());
                }
            }
            Node overlay = frag.child("__overlay__")
                    .orElseThrow(() -> fail(
                            Errno.EINVAL,
                            "Overlay tx" + tx.id + ": fragment for " + target.path() + " has no __overlay__ node"));
            List<Op> order = target.kind() == Kind.POOL ? POOL_ORDER : ORDER;
            for (int i = 0; i < order.size(); i++) {
                Op op = undo ? order.get(order.size() - 1 - i) : order.get(i);
                Optional<Node> opNode = overlay.child(op.nodeName);
                if (opNode.isPresent()) {
                    runOp(s, tx, tree, target, op, opNode.get(), undo);
                }
            }
        }
    }

    private Target resolveTarget(KernelState s, Tx tx, Node frag) throws KernelError {
        Optional<byte[]> raw = Dt.raw(frag, "target-path");
        if (raw.isEmpty() || raw.get().length == 0 || raw.get()[raw.get().length - 1] != 0) {
            throw fail(Errno.EINVAL, "Overlay tx" + tx.id + ": fragment without a valid target-path");
        }
        String path = Dt.cString(frag, "target-path").orElse("");
        switch (path) {
            case "/resources" -> {
                if (s.pool == null) {
                    throw fail(
                            Errno.EPERM,
                            "Overlay tx" + tx.id + ": this kernel manages no pool, " + path + " is not a valid target");
                }
                return new Target(Kind.POOL, path, null);
            }
            case "/instances" -> {
                return new Target(Kind.INSTANCES, path, null);
            }
            default -> {
                if (!path.startsWith("/instances/")) {
                    throw fail(Errno.EINVAL, "Overlay tx" + tx.id + ": unsupported target-path '" + path + "'");
                }
                String name = path.substring("/instances/".length());
                if (name.isEmpty() || name.contains("/")) {
                    throw fail(Errno.EINVAL, "Overlay tx" + tx.id + ": '" + path + "' does not name an instance");
                }
                Instance inst = s.instances.get(name);
                if (inst == null) {
                    throw fail(Errno.ENOENT, "Overlay tx" + tx.id + ": instance '" + name + "' not found");
                }
                return new Target(Kind.INSTANCE, path, inst);
            }
        }
    }

    private void runOp(KernelState s, Tx tx, DeviceTree tree, Target t, Op op, Node node, boolean undo)
            throws KernelError {
        switch (op) {
            case INSTANCE_CREATE -> {
                if (undo) {
                    undoInstanceCreate(s, tx, t, node);
                } else {
                    instanceCreate(s, tx, tree, t, node);
                }
            }
            case INSTANCE_REMOVE -> instanceRemove(s, tx, t, node, undo);
            case MEMORY_ADD -> memoryAdd(s, tx, t, node, undo);
            case MEMORY_REMOVE -> memoryRemove(s, tx, t, node, undo);
            case CPU_ADD -> cpuOp(s, tx, t, node, !undo);
            case CPU_REMOVE -> cpuOp(s, tx, t, node, undo);
            case DEVICE_ADD -> deviceOp(s, tx, t, node, !undo);
            case DEVICE_REMOVE -> deviceOp(s, tx, t, node, undo);
            default -> throw new KernelError(Errno.EINVAL, "unknown operation");
        }
    }

    private void requireResourceTarget(Tx tx, Target t, String op) throws KernelError {
        if (t.kind() == Kind.INSTANCES) {
            throw fail(
                    Errno.EINVAL,
                    "Overlay tx" + tx.id + ": " + t.path() + " is not a resource holder, " + op + " rejected");
        }
    }

    private void requireNamespaceTarget(Tx tx, Target t, String op) throws KernelError {
        if (t.kind() != Kind.INSTANCES) {
            throw fail(Errno.EINVAL, "Overlay tx" + tx.id + ": " + op + " belongs under /instances, not " + t.path());
        }
    }

    private int parseNuma(Node item) throws KernelError {
        Optional<byte[]> v = Dt.raw(item, "numa-node-id");
        if (v.isEmpty()) {
            return -1;
        }
        if (v.get().length != 4) {
            throw fail(Errno.EINVAL, "Invalid numa-node-id property in " + item.name());
        }
        long n = Integer.toUnsignedLong(Dt.u32(v.get(), 0));
        if (n >= HostTopology.MAX_NUMNODES) {
            throw fail(Errno.EINVAL, item.name() + ": numa-node-id " + n + " out of range");
        }
        return (int) n;
    }

    private long[] parseReg(Node item) throws KernelError {
        byte[] reg = Dt.raw(item, "reg").orElse(null);
        if (reg == null || reg.length != 16) {
            throw fail(Errno.EINVAL, "Invalid reg property in " + item.name());
        }
        return new long[] {Dt.u64At(reg, 0), Dt.u64At(reg, 8)};
    }

    private long parseSize(Node item) throws KernelError {
        byte[] size = Dt.raw(item, "size").orElse(null);
        if (size == null || size.length != 8) {
            throw fail(Errno.EINVAL, "Invalid size property in " + item.name());
        }
        long v = Dt.u64At(size, 0);
        if (v == 0 || v % MemoryMap.PAGE != 0) {
            throw fail(Errno.EINVAL, String.format("%s: size 0x%x is not a positive page multiple", item.name(), v));
        }
        return v;
    }

    private void memoryAdd(KernelState s, Tx tx, Target t, Node op, boolean undo) throws KernelError {
        requireResourceTarget(tx, t, "memory-add");
        for (Node item : op.children()) {
            if (!item.name().startsWith("memory@")) {
                continue;
            }
            int node = parseNuma(item);
            if (t.kind() == Kind.POOL) {
                if (item.hasProperty("reg")) {
                    throw fail(
                            Errno.EINVAL,
                            "Overlay tx" + tx.id + ": " + item.name() + " adds pool memory by size, not by reg");
                }
                long size = parseSize(item);
                if (undo) {
                    log.warn("Rollback tx" + tx.id + ": cannot release the " + (size >> 20) + " MB the pool grew by");
                    continue;
                }
                growPool(s, size, node);
                continue;
            }
            long[] reg = parseReg(item);
            if (undo) {
                instanceMemoryRemove(t.instance(), reg[0], reg[1]);
            } else {
                instanceMemoryAdd(s, t.instance(), reg[0], reg[1]);
            }
        }
    }

    private void growPool(KernelState s, long size, int node) throws KernelError {
        Optional<Chunk> chunk = memoryMap.growPool(size, node, usedRam(s));
        if (chunk.isEmpty()) {
            throw fail(Errno.ENOMEM, "Failed to grow the pool by " + (size >> 20) + " MB: -12");
        }
        s.pool.chunks.add(chunk.get());
        log.info(String.format("Pool grew by %d MB at 0x%x (node %d)", size >> 20, chunk.get().base, chunk.get().node));
    }

    private void memoryRemove(KernelState s, Tx tx, Target t, Node op, boolean undo) throws KernelError {
        requireResourceTarget(tx, t, "memory-remove");
        for (Node item : op.children()) {
            if (!item.name().startsWith("memory@")) {
                continue;
            }
            long[] reg = parseReg(item);
            int node = parseNuma(item);
            if (t.kind() == Kind.POOL) {
                if (undo) {
                    log.info("Rollback tx" + tx.id + ": regrowing the pool by " + (reg[1] >> 20) + " MB");
                    growPool(s, reg[1], node);
                    continue;
                }
                poolMemoryRemove(s, reg[0], reg[1]);
                continue;
            }
            if (undo) {
                instanceMemoryAdd(s, t.instance(), reg[0], reg[1]);
            } else {
                instanceMemoryRemove(t.instance(), reg[0], reg[1]);
            }
        }
    }

    private void poolMemoryRemove(KernelState s, long base, long size) throws KernelError {
        Chunk match = null;
        for (Chunk c : s.pool.chunks) {
            if (c.base == base && c.size == size) {
                match = c;
            }
        }
        if (match == null) {
            throw fail(
                    Errno.ENOENT,
                    String.format("No pool chunk is exactly 0x%x+0x%x; name a whole chunk as read back", base, size));
        }
        for (Region r : MemoryMap.instanceRegions(s.instances.values())) {
            if (r.base < match.end() && match.base < r.end()) {
                throw fail(
                        Errno.EBUSY,
                        String.format("Pool chunk 0x%x+0x%x is still allocated to an instance", base, size));
            }
        }
        if (s.pool.chunks.get(0) == match && !poolMembers(s).isEmpty()) {
            throw fail(
                    Errno.EBUSY,
                    String.format("Chunk 0x%x+0x%x holds the pool park area; return every pool CPU first", base, size));
        }
        s.pool.chunks.remove(match);
    }

    private void instanceMemoryAdd(KernelState s, Instance inst, long base, long size) throws KernelError {
        if (size == 0 || base % MemoryMap.PAGE != 0 || size % MemoryMap.PAGE != 0 || base + size < base) {
            throw fail(
                    Errno.EINVAL,
                    String.format("memory 0x%x+0x%x for '%s' is not page aligned", base, size, inst.name));
        }
        boolean inside =
                s.pool != null && s.pool.chunks.stream().anyMatch(c -> base >= c.base && base + size <= c.end());
        if (!inside) {
            throw fail(
                    Errno.EINVAL,
                    String.format("memory 0x%x+0x%x for '%s' is not inside a pool chunk", base, size, inst.name));
        }
        for (Region r : MemoryMap.instanceRegions(s.instances.values())) {
            if (r.base < base + size && base < r.end()) {
                throw fail(Errno.EBUSY, String.format("memory 0x%x+0x%x is already allocated", base, size));
            }
        }
        inst.memory.add(new Region(base, size));
        inst.regionIndexes.add(inst.nextRegionIndex++);
    }

    private void instanceMemoryRemove(Instance inst, long base, long size) throws KernelError {
        for (int i = 0; i < inst.memory.size(); i++) {
            Region r = inst.memory.get(i);
            if (r.base == base && r.size == size) {
                if (inst.kimage != null
                        && inst.kimage.segments.stream().anyMatch(g -> g.base < r.end() && r.base < g.end())) {
                    throw fail(
                            Errno.EBUSY,
                            String.format("memory 0x%x+0x%x backs the loaded kimage of '%s'", base, size, inst.name));
                }
                inst.memory.remove(i);
                inst.regionIndexes.remove(i);
                return;
            }
        }
        throw fail(
                Errno.EINVAL,
                String.format("memory 0x%x+0x%x is not a region of instance '%s'", base, size, inst.name));
    }

    private void cpuOp(KernelState s, Tx tx, Target t, Node op, boolean give) throws KernelError {
        requireResourceTarget(tx, t, "cpu operation");
        for (Node item : op.children()) {
            if (!item.name().startsWith("cpu@")) {
                continue;
            }
            byte[] reg = Dt.raw(item, "reg").orElse(null);
            if (reg == null || (reg.length != 4 && reg.length != 8)) {
                throw fail(Errno.EINVAL, "Invalid reg property in " + item.name());
            }
            long cpu = reg.length == 8 ? Dt.u64At(reg, 0) : Integer.toUnsignedLong(Dt.u32(reg, 0));
            parseNuma(item);
            log.info("Overlay tx" + tx.id + ": " + (give ? '+' : '-') + "cpu " + cpu + " " + (give ? "->" : "from")
                    + " " + t.name());
            try {
                if (t.kind() == Kind.POOL) {
                    if (give) {
                        poolCpuAdd(s, cpu);
                    } else {
                        poolCpuRemove(s, cpu);
                    }
                } else if (give) {
                    transferCpus(s, t.instance(), List.of(cpu));
                } else {
                    returnCpus(s, t.instance(), List.of(cpu));
                }
            } catch (KernelError e) {
                log.err("Failed to move CPU " + cpu + ": -" + e.errno().number());
                throw e;
            }
        }
    }

    private void transferCpus(KernelState s, Instance inst, List<Long> cpus) throws KernelError {
        for (long cpu : cpus) {
            if (s.pool == null
                    || !s.pool.freeCpus.contains(cpu)
                    || topology.cpuByApicId(cpu).isEmpty()) {
                throw fail(Errno.EBUSY, "CPU " + cpu + " not available in the pool");
            }
        }
        for (long cpu : cpus) {
            s.pool.freeCpus.remove(Long.valueOf(cpu));
            inst.cpus.add(cpu);
        }
    }

    private void returnCpus(KernelState s, Instance inst, List<Long> cpus) throws KernelError {
        for (long cpu : cpus) {
            if (!inst.cpus.contains(cpu)) {
                throw fail(
                        Errno.EINVAL, "CPU " + cpu + " not assigned to instance " + inst.id + " (" + inst.name + ")");
            }
        }
        for (long cpu : cpus) {
            inst.cpus.remove(Long.valueOf(cpu));
            s.pool.freeCpus.add(cpu);
        }
        s.pool.freeCpus.sort(Comparator.naturalOrder());
    }

    private void deviceOp(KernelState s, Tx tx, Target t, Node op, boolean give) throws KernelError {
        requireResourceTarget(tx, t, "device operation");
        for (Node item : op.children()) {
            if (!item.name().startsWith("pci@")) {
                continue;
            }
            Optional<String> raw = Dt.cString(item, "pci-id");
            if (raw.isEmpty()) {
                throw fail(Errno.EINVAL, "Invalid pci-id property in " + item.name());
            }
            String id = Dt.pciId(raw.get())
                    .orElseThrow(() -> fail(Errno.EINVAL, "Invalid pci-id format '" + raw.get() + "'"));
            String alias = Dt.looseString(item, "alias").orElse("");
            String driver = Dt.looseString(item, "driver").orElse("");
            try {
                if (t.kind() == Kind.POOL) {
                    if (give) {
                        poolDeviceAdd(s, id, alias);
                    } else {
                        poolDeviceRemove(s, id);
                    }
                } else if (give) {
                    giveDevice(s, t.instance(), id, driver);
                } else {
                    takeDevice(s, t.instance(), id);
                }
            } catch (KernelError e) {
                log.err("Failed to move device " + id + ": -" + e.errno().number());
                throw e;
            }
        }
    }

    private void giveDevice(KernelState s, Instance inst, String id, String driver) throws KernelError {
        Device free = s.pool == null
                ? null
                : s.pool.freeDevices.stream()
                        .filter(d -> d.pciId.equals(id))
                        .findFirst()
                        .orElse(null);
        if (free == null) {
            throw fail(Errno.EBUSY, "PCI device " + id + " is not free in the pool");
        }
        s.pool.freeDevices.remove(free);
        free.driver = driver;
        inst.devices.add(free);
    }

    private void takeDevice(KernelState s, Instance inst, String id) throws KernelError {
        Device held = inst.devices.stream()
                .filter(d -> d.pciId.equals(id))
                .findFirst()
                .orElse(null);
        if (held == null) {
            throw fail(Errno.EINVAL, "PCI device " + id + " is not assigned to instance '" + inst.name + "'");
        }
        inst.devices.remove(held);
        held.driver = "";
        s.pool.freeDevices.add(held);
    }

    private String instanceName(Tx tx, Node op, String verb, String opName) throws KernelError {
        Optional<byte[]> raw = Dt.raw(op, "instance-name");
        if (raw.isEmpty() || raw.get().length == 0 || raw.get()[raw.get().length - 1] != 0 || raw.get()[0] == 0) {
            throw fail(Errno.EINVAL, verb + " tx" + tx.id + ": " + opName + " requires a valid 'instance-name'");
        }
        String name = Dt.cString(op, "instance-name").orElse("");
        if (name.contains("/")) {
            throw fail(Errno.EINVAL, verb + " tx" + tx.id + ": instance name '" + name + "' must not contain '/'");
        }
        return name;
    }

    private void instanceCreate(KernelState s, Tx tx, DeviceTree tree, Target t, Node op) throws KernelError {
        requireNamespaceTarget(tx, t, "instance-create");
        String name = instanceName(tx, op, "Overlay", "instance-create");
        Optional<byte[]> idRaw = Dt.raw(op, "id");
        int id = idRaw.isPresent() && idRaw.get().length == 4 ? Dt.u32(idRaw.get(), 0) : -1;
        Node resources = op.child("resources")
                .orElseThrow(() ->
                        fail(Errno.EINVAL, "Overlay tx" + tx.id + ": instance-create requires a 'resources' subnode"));
        Optional<Node> chosen = op.child("chosen");
        if (s.instances.containsKey(name)) {
            throw fail(Errno.EEXIST, "Overlay tx" + tx.id + ": instance '" + name + "' already exists");
        }
        final int wanted = id;
        if (id >= 0 && s.instances.values().stream().anyMatch(i -> i.id == wanted)) {
            throw fail(Errno.EEXIST, "Overlay tx" + tx.id + ": instance ID " + id + " is already in use");
        }
        log.info("Overlay tx" + tx.id + ": Creating instance '" + name + "'");

        // mk_dt_parse_resources
        long memoryBytes = 0;
        Optional<byte[]> mem = Dt.raw(resources, "memory-bytes");
        if (mem.isPresent()) {
            if (mem.get().length != 8) {
                throw fail(
                        Errno.EINVAL,
                        "Invalid memory-bytes property length: " + mem.get().length
                                + " (must be 8 bytes for u64 size)");
            }
            memoryBytes = Dt.u64At(mem.get(), 0);
            if (memoryBytes == 0) {
                throw fail(Errno.EINVAL, "Invalid memory size 0 in memory-bytes");
            }
            if (memoryBytes % MemoryMap.PAGE != 0) {
                throw fail(Errno.EINVAL, String.format("Memory size 0x%x not page-aligned", memoryBytes));
            }
        }
        List<Long> cpus = new ArrayList<>();
        Optional<byte[]> cpuRaw = Dt.raw(resources, "cpus");
        if (cpuRaw.isPresent()) {
            if (cpuRaw.get().length % 8 != 0) {
                throw fail(
                        Errno.EINVAL,
                        "Invalid cpus property length: " + cpuRaw.get().length
                                + " (must be an array of 64-bit physical CPU IDs)");
            }
            if (cpuRaw.get().length == 0) {
                throw fail(Errno.EINVAL, "Empty CPU list in cpus");
            }
            for (int i = 0; i < cpuRaw.get().length; i += 8) {
                long c = Dt.u64At(cpuRaw.get(), i);
                if (!cpus.contains(c)) {
                    cpus.add(c);
                }
            }
        }
        int numa = -1;
        Optional<byte[]> numaRaw = Dt.raw(resources, "numa-nodes");
        if (numaRaw.isPresent()) {
            if (numaRaw.get().length < 4 || numaRaw.get().length % 4 != 0) {
                throw fail(
                        Errno.EINVAL,
                        "Invalid numa-nodes property length: " + numaRaw.get().length
                                + " (must be an array of 32-bit node IDs)");
            }
            long n = Integer.toUnsignedLong(Dt.u32(numaRaw.get(), 0));
            if (n >= HostTopology.MAX_NUMNODES) {
                throw fail(Errno.EINVAL, "Invalid NUMA node " + n + " in numa-nodes");
            }
            numa = (int) n;
        }
        if (resources.hasProperty("device-names")) {
            throw fail(Errno.EINVAL, "device-names is not supported; assign devices with device-add");
        }
        List<String> pciIds = new ArrayList<>();
        List<PlatformDevice> platform = new ArrayList<>();
        Optional<Node> devs = resources.child("devices");
        if (devs.isPresent()) {
            for (Node d : devs.get().children()) {
                Optional<String> type = Dt.looseString(d, "device-type");
                if (type.isEmpty()) {
                    continue;
                }
                if (type.get().equals("pci")) {
                    pciIds.add(parsePciDeviceNode(tree, d, "instance").pciId);
                } else if (type.get().equals("platform")) {
                    Optional<String> hid = Dt.looseString(d, "acpi-hid");
                    Optional<String> dn = Dt.looseString(d, "device-name");
                    if (hid.isEmpty() && dn.isEmpty()) {
                        throw fail(
                                Errno.EINVAL,
                                "Platform device '" + d.name() + "' has neither acpi-hid nor device-name");
                    }
                    PlatformDevice p = new PlatformDevice();
                    p.name = dn.orElse("");
                    p.hid = hid.orElse("");
                    platform.add(p);
                }
            }
        }
        byte[] hostTree = null;
        if (chosen.isPresent()) {
            if (!chosen.get().properties().isEmpty()) {
                throw fail(
                        Errno.EINVAL,
                        "Instance '" + name
                                + "': chosen carries properties; only a multikernel,host-tree node is accepted");
            }
            for (Node c : chosen.get().children()) {
                if (!c.name().equals("multikernel,host-tree")) {
                    throw fail(Errno.EINVAL, "Instance '" + name + "': unsupported chosen node '" + c.name() + "'");
                }
                hostTree = Dt.write(new Node("", c.properties(), c.children()));
            }
        }
        if (id == 0) {
            throw fail(Errno.ENOMEM, "Instance ID 0 is reserved for the host kernel");
        }
        if (id < 0) {
            id = 1;
            while (true) {
                final int probe = id;
                if (s.instances.values().stream().noneMatch(i -> i.id == probe)) {
                    break;
                }
                id++;
            }
        }

        Instance inst = new Instance();
        inst.name = name;
        inst.id = id;
        inst.numaNode = numa;
        inst.hostTree = hostTree;
        inst.platformDevices.addAll(platform);
        // mk_instance_reserve_resources: CPUs, memory, devices; all or nothing
        transferCpus(s, inst, cpus);
        if (memoryBytes > 0) {
            Optional<List<Region>> regions = s.pool == null
                    ? Optional.empty()
                    : MemoryMap.allocateFromPool(
                            memoryBytes, numa, s.pool.chunks, MemoryMap.instanceRegions(s.instances.values()));
            if (regions.isEmpty()) {
                returnCpus(s, inst, new ArrayList<>(inst.cpus));
                throw fail(
                        Errno.ENOMEM,
                        "Failed to reserve resources for instance '" + name + "': cannot allocate "
                                + (memoryBytes >> 20) + " MB from the pool");
            }
            for (Region r : regions.get()) {
                inst.memory.add(r);
                inst.regionIndexes.add(inst.nextRegionIndex++);
            }
        }
        for (String pci : pciIds) {
            try {
                giveDevice(s, inst, pci, "");
            } catch (KernelError e) {
                releaseAll(s, inst);
                throw e;
            }
        }
        inst.state = InstanceStatus.READY;
        s.instances.put(name, inst);
        log.info("Overlay tx" + tx.id + ": Instance '" + name + "' created successfully");
    }

    private void instanceRemove(KernelState s, Tx tx, Target t, Node op, boolean undo) throws KernelError {
        requireNamespaceTarget(tx, t, "instance-remove");
        String name = instanceName(tx, op, undo ? "Rollback" : "Overlay", "instance-remove");
        if (undo) {
            log.warn("Rollback tx" + tx.id + ": cannot restore removed instance '" + name
                    + "', apply an instance-create overlay");
            return;
        }
        Instance inst = s.instances.get(name);
        if (inst == null) {
            throw fail(Errno.ENOENT, "Overlay tx" + tx.id + ": instance '" + name + "' not found");
        }
        destroy(s, inst);
    }

    private void undoInstanceCreate(KernelState s, Tx tx, Target t, Node op) throws KernelError {
        requireNamespaceTarget(tx, t, "instance-create");
        String name = instanceName(tx, op, "Rollback", "instance-create");
        Instance inst = s.instances.get(name);
        if (inst == null) {
            log.warn("Rollback tx" + tx.id + ": instance '" + name + "' is already gone");
            return;
        }
        destroy(s, inst);
    }

    /** mk_instance_destroy (§1 "State changes": refused while active or loaded). */
    private void destroy(KernelState s, Instance inst) throws KernelError {
        if (inst.state == InstanceStatus.ACTIVE) {
            throw fail(
                    Errno.EBUSY,
                    "Cannot remove active instance '" + inst.name + "' (ID: " + inst.id
                            + "). Instance must be stopped first.");
        }
        if (inst.state == InstanceStatus.LOADED) {
            throw fail(
                    Errno.EBUSY,
                    "Cannot remove instance '" + inst.name + "' (ID: " + inst.id
                            + ") with loaded kernel. Unload it first.");
        }
        releaseAll(s, inst);
        s.instances.remove(inst.name);
        log.info("Releasing multikernel instance " + inst.id + " (" + inst.name + "), returning resources to root");
    }

    private static void releaseAll(KernelState s, Instance inst) {
        if (s.pool != null) {
            s.pool.freeCpus.addAll(inst.cpus);
            s.pool.freeCpus.sort(Comparator.naturalOrder());
            for (Device d : inst.devices) {
                d.driver = "";
                s.pool.freeDevices.add(d);
            }
        }
        inst.cpus.clear();
        inst.devices.clear();
        inst.memory.clear();
        inst.regionIndexes.clear();
    }
}
