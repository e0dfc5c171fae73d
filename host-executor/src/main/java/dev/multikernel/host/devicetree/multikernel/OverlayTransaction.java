package dev.multikernel.host.devicetree.multikernel;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.DeviceTreeException;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.host.devicetree.Overlay;
import dev.multikernel.host.devicetree.Property;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation.CpuAdd;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation.CpuRemove;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation.DeviceAdd;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation.DeviceRemove;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation.InstanceCreate;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation.InstanceMemoryAdd;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation.InstanceRemove;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation.MemoryRemove;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation.PoolMemoryAdd;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A current-tree overlay transaction (one DTBO written to {@code overlays/new}, §1, §2): an
 * ordered list of operations and the optional {@code mk,resources} tag at the overlay root.
 *
 * <p><b>Writing.</b> Operations become {@code fragment@N} nodes (N in hex, from 0) with {@code
 * target-path} and {@code __overlay__}. Consecutive operations with the same target share a
 * fragment as long as the kernel's fixed order inside a fragment runs them in list order
 * (instance fragments: instance-create, memory-remove, memory-add, cpu-remove, cpu-add,
 * device-remove, device-add, instance-remove; {@code /resources}: cpu-remove, device-remove,
 * memory-remove, memory-add, cpu-add, device-add) and no operation node repeats; otherwise a new
 * fragment starts. So the kernel runs exactly the list order. Items are named {@code memory@i},
 * {@code pci@i} (i = index, hex) and {@code cpu@<id in decimal>} as in the kernel's examples;
 * 64-bit values are written as two cells.
 *
 * <p><b>Reading</b> follows the kernel: fragments {@code fragment@<hex>} in ascending unit
 * address, each with a {@code target-path} naming one of the three targets and an {@code
 * __overlay__}; operations in the fixed order of their fragment's kind. Other root children
 * ({@code __symbols__}, {@code __fixups__}, ...) are ignored. Anything the kernel would reject
 * while parsing (no fragment, a bad target, {@code reg} in a pool {@code memory-add}, wrong
 * lengths for {@code size}/{@code reg}/{@code numa-node-id}, an unknown operation or item) is a
 * {@link DeviceTreeException} naming the node or property.
 *
 * @param operations operations in the order the kernel runs them
 * @param resourcesTag the root {@code mk,resources} string ({@code tx_N/resources}), if any
 */
public record OverlayTransaction(List<OverlayOperation> operations, Optional<String> resourcesTag) {

    public OverlayTransaction {
        operations = List.copyOf(operations);
        java.util.Objects.requireNonNull(resourcesTag, "resourcesTag");
    }

    public static OverlayTransaction of(OverlayOperation... operations) {
        return new OverlayTransaction(List.of(operations), Optional.empty());
    }

    public static OverlayTransaction of(List<OverlayOperation> operations) {
        return new OverlayTransaction(operations, Optional.empty());
    }

    /** A copy carrying {@code tag} as the {@code mk,resources} root property. */
    public OverlayTransaction withResourcesTag(String tag) {
        return new OverlayTransaction(operations, Optional.of(tag));
    }

    /** Operation order inside an instance (or /instances) fragment. */
    private static final List<String> INSTANCE_ORDER = List.of(
            "instance-create",
            "memory-remove",
            "memory-add",
            "cpu-remove",
            "cpu-add",
            "device-remove",
            "device-add",
            "instance-remove");
    /** Operation order inside a /resources fragment. */
    private static final List<String> POOL_ORDER =
            List.of("cpu-remove", "device-remove", "memory-remove", "memory-add", "cpu-add", "device-add");

    private static List<String> orderFor(OverlayTarget target) {
        return target instanceof OverlayTarget.Pool ? POOL_ORDER : INSTANCE_ORDER;
    }

    /** What {@code overlays/tx_N/instance} shows: the target path of the first fragment. */
    public Optional<String> firstTargetPath() {
        return operations.stream().findFirst().map(op -> op.target().path());
    }

    // ================================================================ write

    /**
     * The transaction as an overlay tree (see the class comment).
     *
     * @throws IllegalStateException if there are no operations (the kernel rejects a DTBO
     *     without fragments)
     */
    public DeviceTree toTree() {
        if (operations.isEmpty()) {
            throw new IllegalStateException("an overlay transaction needs at least one operation"
                    + " (the kernel rejects a DTBO without fragments)");
        }
        Overlay.Builder overlay = Overlay.builder();
        resourcesTag.ifPresent(t -> overlay.rootProperty(Property.string(Multikernel.RESOURCES_TAG_PROPERTY, t)));
        List<OverlayOperation> group = new ArrayList<>();
        for (OverlayOperation op : operations) {
            if (!group.isEmpty() && !fits(group, op)) {
                flush(overlay, group);
            }
            group.add(op);
        }
        flush(overlay, group);
        return overlay.build().toTree();
    }

    private static boolean fits(List<OverlayOperation> group, OverlayOperation op) {
        OverlayOperation last = group.get(group.size() - 1);
        if (!last.target().equals(op.target())) {
            return false;
        }
        List<String> order = orderFor(op.target());
        return order.indexOf(op.nodeName()) > order.indexOf(last.nodeName());
    }

    private static void flush(Overlay.Builder overlay, List<OverlayOperation> group) {
        if (group.isEmpty()) {
            return;
        }
        Node.Builder content = Node.builder("__overlay__");
        for (OverlayOperation op : group) {
            content.child(operationNode(op));
        }
        overlay.fragment(group.get(0).target().path(), content.build());
        group.clear();
    }

    static Node operationNode(OverlayOperation op) {
        Node.Builder n = Node.builder(op.nodeName());
        if (op instanceof InstanceCreate c) {
            n.string("instance-name", c.name());
            c.id().ifPresent(id -> n.u32("id", id));
            Node.Builder res = Node.builder("resources");
            InstanceResources r = c.resources();
            if (r.memoryBytes() > 0) {
                res.u64("memory-bytes", r.memoryBytes());
            }
            if (!r.cpus().isEmpty()) {
                res.property(Property.u64("cpus", r.cpus()));
            }
            if (!r.numaNodes().isEmpty()) {
                res.property(Property.u32("numa-nodes", r.numaNodes()));
            }
            n.child(res.build());
        } else if (op instanceof InstanceRemove r) {
            n.string("instance-name", r.name());
        } else if (op instanceof PoolMemoryAdd a) {
            for (int i = 0; i < a.chunks().size(); i++) {
                MemoryRequest m = a.chunks().get(i);
                Node.Builder item =
                        Node.builder("memory@" + Integer.toHexString(i)).u64("size", m.size());
                m.numaNode().ifPresent(x -> item.u32("numa-node-id", x));
                n.child(item.build());
            }
        } else if (op instanceof InstanceMemoryAdd a) {
            memoryItems(n, a.ranges());
        } else if (op instanceof MemoryRemove r) {
            memoryItems(n, r.ranges());
        } else if (op instanceof CpuAdd a) {
            cpuItems(n, a.cpus());
        } else if (op instanceof CpuRemove r) {
            cpuItems(n, r.cpus());
        } else if (op instanceof DeviceAdd a) {
            pciItems(n, a.devices());
        } else if (op instanceof DeviceRemove r) {
            pciItems(n, r.devices());
        }
        return n.build();
    }

    private static void memoryItems(Node.Builder n, List<MemoryRange> ranges) {
        for (int i = 0; i < ranges.size(); i++) {
            MemoryRange r = ranges.get(i);
            Node.Builder item = Node.builder("memory@" + Integer.toHexString(i)).u64("reg", r.base(), r.size());
            r.numaNode().ifPresent(x -> item.u32("numa-node-id", x));
            r.memType().ifPresent(x -> item.u32("mem-type", x));
            n.child(item.build());
        }
    }

    private static void cpuItems(Node.Builder n, List<CpuItem> cpus) {
        for (CpuItem c : cpus) {
            Node.Builder item =
                    Node.builder("cpu@" + Long.toUnsignedString(c.physicalId())).u64("reg", c.physicalId());
            c.numaNode().ifPresent(x -> item.u32("numa-node-id", x));
            c.flags().ifPresent(x -> item.u32("flags", x));
            n.child(item.build());
        }
    }

    private static void pciItems(Node.Builder n, List<PciItem> devices) {
        for (int i = 0; i < devices.size(); i++) {
            PciItem d = devices.get(i);
            Node.Builder item = Node.builder("pci@" + Integer.toHexString(i))
                    .string("pci-id", d.pciId().toString());
            d.alias().ifPresent(x -> item.string("alias", x));
            d.driver().ifPresent(x -> item.string("driver", x));
            d.flags().ifPresent(x -> item.u32("flags", x));
            n.child(item.build());
        }
    }

    // ================================================================ read

    /**
     * Reads a DTBO the way the kernel parses it (see the class comment).
     *
     * @throws DeviceTreeException naming the fragment, node or property that the kernel would
     *     reject
     */
    public static OverlayTransaction read(DeviceTree tree) throws DeviceTreeException {
        Node root = tree.root();
        Optional<String> tag = Props.optString(root, "/", Multikernel.RESOURCES_TAG_PROPERTY);
        List<Node> fragments = new ArrayList<>();
        for (Node child : root.children()) {
            if (child.baseName().equals("fragment")) {
                if (fragmentAddress(child) < 0) {
                    throw new DeviceTreeException(
                            "/" + child.name() + ": a fragment's name must be" + " fragment@<hex unit address>");
                }
                fragments.add(child);
            }
        }
        if (fragments.isEmpty()) {
            throw new DeviceTreeException("/: no fragment@N node; an overlay transaction needs at"
                    + " least one fragment (the kernel answers EINVAL)");
        }
        fragments.sort(Comparator.comparingLong(OverlayTransaction::fragmentAddress));
        List<OverlayOperation> ops = new ArrayList<>();
        for (Node fragment : fragments) {
            readFragment(fragment, ops);
        }
        return new OverlayTransaction(ops, tag);
    }

    /**
     * The {@code target-path} of the first fragment in kernel order, what {@code tx_N/instance}
     * shows; empty when there is none (the file then says "unknown"). Never fails.
     */
    public static Optional<String> firstTargetPath(DeviceTree tree) {
        return tree.root().children().stream()
                .filter(c -> c.baseName().equals("fragment") && fragmentAddress(c) >= 0)
                .min(Comparator.comparingLong(OverlayTransaction::fragmentAddress))
                .flatMap(f -> f.property("target-path"))
                .flatMap(p -> {
                    try {
                        return Optional.of(p.asString());
                    } catch (DeviceTreeException e) {
                        return Optional.empty();
                    }
                });
    }

    /** The unit address of {@code fragment@<hex>}, or -1 if it has none or it is not hex. */
    private static long fragmentAddress(Node fragment) {
        Optional<String> unit = fragment.unitAddress();
        if (unit.isEmpty() || unit.get().isEmpty() || unit.get().length() > 8) {
            return -1;
        }
        try {
            return Long.parseLong(unit.get(), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void readFragment(Node fragment, List<OverlayOperation> ops) throws DeviceTreeException {
        String fpath = "/" + fragment.name();
        if (!fragment.hasProperty("target-path")) {
            throw new DeviceTreeException(fpath + ": missing \"target-path\" (the multikernel kernel"
                    + " requires target-path; \"target\" phandles are not accepted)");
        }
        String targetPath = Props.string(fragment, fpath, "target-path");
        OverlayTarget target;
        try {
            target = OverlayTarget.parse(targetPath);
        } catch (DeviceTreeException e) {
            throw Props.wrap(fpath, e);
        }
        Node content = Props.requireChild(fragment, fpath, "__overlay__");
        String cpath = fpath + "/__overlay__";
        if (!content.properties().isEmpty()) {
            throw new DeviceTreeException(cpath + ": unexpected property \""
                    + content.properties().get(0).name() + "\"; operations are child nodes");
        }
        List<String> allowed = allowed(target);
        for (Node opNode : content.children()) {
            if (!allowed.contains(opNode.name())) {
                throw new DeviceTreeException(cpath + "/" + opNode.name() + ": unknown operation for" + " target "
                        + target.path() + " (expected one of " + String.join(", ", allowed) + ")");
            }
        }
        for (String name : allowed) {
            Optional<Node> opNode = content.child(name);
            if (opNode.isPresent()) {
                ops.add(readOperation(target, opNode.get(), cpath + "/" + name));
            }
        }
    }

    private static List<String> allowed(OverlayTarget target) {
        if (target instanceof OverlayTarget.Instances) {
            return List.of("instance-create", "instance-remove");
        }
        List<String> out = new ArrayList<>(orderFor(target));
        out.removeIf(n -> n.startsWith("instance-"));
        return out;
    }

    private static OverlayOperation readOperation(OverlayTarget target, Node op, String path)
            throws DeviceTreeException {
        switch (op.name()) {
            case "instance-create":
                return readInstanceCreate(op, path);
            case "instance-remove":
                return new InstanceRemove(instanceName(op, path));
            case "memory-add": {
                if (target instanceof OverlayTarget.Instance inst) {
                    return new InstanceMemoryAdd(inst.name(), readRanges(op, path, true));
                }
                List<MemoryRequest> chunks = new ArrayList<>();
                for (Node item : items(op, path, "memory")) {
                    String ipath = path + "/" + item.name();
                    if (item.hasProperty("reg")) {
                        throw new DeviceTreeException(ipath + ": \"reg\" is rejected in a /resources"
                                + " memory-add (the pool picks the base); give \"size\" instead");
                    }
                    chunks.add(Baseline.readMemoryRequest(item, ipath));
                }
                return new PoolMemoryAdd(chunks);
            }
            case "memory-remove":
                return new MemoryRemove(target, readRanges(op, path, false));
            case "cpu-add":
                return new CpuAdd(target, readCpus(op, path));
            case "cpu-remove":
                return new CpuRemove(target, readCpus(op, path));
            case "device-add":
                return new DeviceAdd(target, readPci(op, path, target, true));
            case "device-remove":
                return new DeviceRemove(target, readPci(op, path, target, false));
            default:
                throw new DeviceTreeException(path + ": unknown operation");
        }
    }

    private static String instanceName(Node op, String path) throws DeviceTreeException {
        String name = Props.string(op, path, "instance-name");
        String problem = InstanceNames.problem(name);
        if (problem != null) {
            throw new DeviceTreeException(path + ": instance-name: " + problem);
        }
        return name;
    }

    private static InstanceCreate readInstanceCreate(Node op, String path) throws DeviceTreeException {
        String name = instanceName(op, path);
        OptionalInt id = Props.optU32(op, path, "id");
        long memoryBytes = 0;
        List<Long> cpus = List.of();
        List<Integer> numa = List.of();
        Optional<Node> res = op.child("resources");
        if (res.isPresent()) {
            String rpath = path + "/resources";
            Node r = res.get();
            if (r.hasProperty("memory-bytes")) {
                memoryBytes = Props.u64(r, rpath, "memory-bytes");
                if (memoryBytes < 0) {
                    throw new DeviceTreeException(
                            rpath + ": memory-bytes 0x" + Long.toHexString(memoryBytes) + " is beyond any machine");
                }
            }
            if (r.hasProperty("cpus")) {
                cpus = Props.u64List(r, rpath, "cpus");
            }
            if (r.hasProperty("numa-nodes")) {
                numa = Props.u32List(r, rpath, "numa-nodes");
            }
        }
        return new InstanceCreate(name, id, new InstanceResources(memoryBytes, cpus, numa));
    }

    private static List<Node> items(Node op, String path, String base) throws DeviceTreeException {
        for (Node c : op.children()) {
            if (!c.baseName().equals(base)) {
                throw new DeviceTreeException(path + "/" + c.name() + ": unexpected node; items of " + op.name()
                        + " are " + base + "@N nodes");
            }
        }
        return op.children();
    }

    private static List<MemoryRange> readRanges(Node op, String path, boolean allowMemType) throws DeviceTreeException {
        List<MemoryRange> out = new ArrayList<>();
        for (Node item : items(op, path, "memory")) {
            String ipath = path + "/" + item.name();
            Property reg = Props.require(item, ipath, "reg");
            if (reg.length() != 16) {
                throw new DeviceTreeException(ipath + ": reg has length " + reg.length()
                        + ", expected 16 bytes (<addr-hi addr-lo size-hi size-lo>)");
            }
            long[] cells = reg.asU64Cells();
            if (cells[1] == 0) {
                throw new DeviceTreeException(ipath + ": reg size is 0");
            }
            OptionalInt numa = Props.numaNode(item, ipath);
            OptionalInt memType = allowMemType ? Props.optU32(item, ipath, "mem-type") : OptionalInt.empty();
            out.add(new MemoryRange(cells[0], cells[1], numa, memType));
        }
        return out;
    }

    private static List<CpuItem> readCpus(Node op, String path) throws DeviceTreeException {
        List<CpuItem> out = new ArrayList<>();
        for (Node item : items(op, path, "cpu")) {
            String ipath = path + "/" + item.name();
            Property reg = Props.require(item, ipath, "reg");
            long id;
            if (reg.length() == 8) {
                id = reg.asU64();
            } else if (reg.length() == 4) {
                id = reg.asU32() & 0xffffffffL;
            } else {
                throw new DeviceTreeException(ipath + ": reg has length " + reg.length()
                        + ", expected a u64 (8 bytes) or one u32 cell (4 bytes)");
            }
            if (id < 0) {
                throw new DeviceTreeException(ipath + ": reg 0x" + Long.toHexString(id) + " is not a physical CPU id");
            }
            out.add(new CpuItem(id, Props.numaNode(item, ipath), Props.optU32(item, ipath, "flags")));
        }
        return out;
    }

    private static List<PciItem> readPci(Node op, String path, OverlayTarget target, boolean add)
            throws DeviceTreeException {
        List<PciItem> out = new ArrayList<>();
        for (Node item : items(op, path, "pci")) {
            String ipath = path + "/" + item.name();
            PciAddress address = Devices.pciAddress(item, ipath, "pci-id");
            Optional<String> alias = Props.optString(item, ipath, "alias");
            Optional<String> driver = Props.optString(item, ipath, "driver");
            boolean pool = target instanceof OverlayTarget.Pool;
            if (alias.isPresent() && !(add && pool)) {
                throw new DeviceTreeException(ipath + ": \"alias\" is only allowed in a device-add to" + " /resources");
            }
            if (driver.isPresent() && !(add && !pool)) {
                throw new DeviceTreeException(
                        ipath + ": \"driver\" is only allowed in a device-add to" + " an instance");
            }
            out.add(new PciItem(address, alias, driver, Props.optU32(item, ipath, "flags")));
        }
        return out;
    }
}
