package dev.multikernel.provider.resources.overlay;

import dev.multikernel.host.devicetree.multikernel.CpuItem;
import dev.multikernel.host.devicetree.multikernel.MemoryRange;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PciItem;
import dev.multikernel.provider.resources.AttributeProblem;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import dev.multikernel.provider.values.InvalidValueException;
import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.spi.TfObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What one {@code multikernel_overlay} asks for, parsed from its attributes: pure, no host. Turns
 * into the transaction's operations (logical CPUs become physical ids with the host's map) and,
 * for import, back from a transaction into attributes in the user's form.
 *
 * @param instance     the target instance; empty for the pool ({@code /resources})
 * @param cpuAdd       logical CPUs to add
 * @param cpuRemove    logical CPUs to remove
 * @param memoryAdd    memory to add, in order
 * @param memoryRemove ranges to remove, in order
 * @param deviceAdd    PCI functions to add
 * @param deviceRemove PCI functions to remove
 */
public record OverlaySpec(
        Optional<String> instance,
        CpuList cpuAdd,
        CpuList cpuRemove,
        List<MemoryAdd> memoryAdd,
        List<MemoryRemove> memoryRemove,
        List<PciAddress> deviceAdd,
        List<PciAddress> deviceRemove) {

    public static final String INSTANCE = "instance";
    public static final String CPU_ADD = "cpu_add";
    public static final String CPU_REMOVE = "cpu_remove";
    public static final String MEMORY_ADD = "memory_add";
    public static final String MEMORY_REMOVE = "memory_remove";
    public static final String DEVICE_ADD = "device_add";
    public static final String DEVICE_REMOVE = "device_remove";
    public static final String SIZE = "size";
    public static final String NUMA_NODE = "numa_node";
    public static final String BASE = "base";

    /** Memory to add: to the pool by size (the kernel picks the address), to an instance as an existing pool range. */
    public record MemoryAdd(long size, OptionalInt numaNode, OptionalLong base) {}

    /** A range to remove: a whole pool chunk as read back, or a range the instance holds. */
    public record MemoryRemove(long base, long size) {}

    /** A spec, or why there is none. {@code spec} is empty when a value is unknown or a problem was found. */
    public record Parsed(Optional<OverlaySpec> spec, List<AttributeProblem> problems) {
        public Parsed {
            problems = List.copyOf(problems);
        }
    }

    public OverlaySpec {
        Objects.requireNonNull(instance, "instance");
        memoryAdd = List.copyOf(memoryAdd);
        memoryRemove = List.copyOf(memoryRemove);
        deviceAdd = List.copyOf(deviceAdd);
        deviceRemove = List.copyOf(deviceRemove);
    }

    public boolean isPool() {
        return instance.isEmpty();
    }

    public OverlayTarget target() {
        return instance.map(OverlayTarget::instance).orElse(OverlayTarget.POOL);
    }

    /** Whether it asks for nothing at all. */
    public boolean isEmpty() {
        return cpuAdd.isEmpty()
                && cpuRemove.isEmpty()
                && memoryAdd.isEmpty()
                && memoryRemove.isEmpty()
                && deviceAdd.isEmpty()
                && deviceRemove.isEmpty();
    }

    /** "the pool" or "instance \"web\"". */
    public String describeTarget() {
        return instance.map(n -> "instance \"" + n + "\"").orElse("the pool");
    }

    // ------------------------------------------------------------------ parse

    /**
     * Parses the attributes of {@code o} (configuration or plan). Unknown values are skipped (no
     * spec, no problem for them); every malformed value is a problem naming its attribute.
     */
    public static Parsed parse(TfObject o) {
        List<AttributeProblem> problems = new ArrayList<>();
        boolean known = true;
        Optional<String> instance = Optional.empty();
        if (!o.isKnown(INSTANCE)) {
            known = false;
        } else if (!o.isNull(INSTANCE)) {
            String name = o.requireString(INSTANCE);
            try {
                OverlayTarget.instance(name);
                instance = Optional.of(name);
            } catch (IllegalArgumentException e) {
                problems.add(new AttributeProblem(
                        path(INSTANCE),
                        "Invalid instance name",
                        "instance = \"" + name + "\": " + e.getMessage() + ". Give the name of a multikernel"
                                + " instance on the host, or leave instance out to change the pool."));
            }
        }
        CpuList cpuAdd = CpuList.EMPTY;
        CpuList cpuRemove = CpuList.EMPTY;
        Optional<CpuList> c;
        if (!o.isKnown(CPU_ADD)) {
            known = false;
        } else if ((c = cpus(o, CPU_ADD, problems)).isPresent()) {
            cpuAdd = c.get();
        }
        if (!o.isKnown(CPU_REMOVE)) {
            known = false;
        } else if ((c = cpus(o, CPU_REMOVE, problems)).isPresent()) {
            cpuRemove = c.get();
        }
        List<MemoryAdd> memoryAdd = List.of();
        if (!isWhollyKnown(o, MEMORY_ADD)) {
            known = false;
        } else {
            memoryAdd = memoryAdd(o, problems);
        }
        List<MemoryRemove> memoryRemove = List.of();
        if (!isWhollyKnown(o, MEMORY_REMOVE)) {
            known = false;
        } else {
            memoryRemove = memoryRemove(o, problems);
        }
        List<PciAddress> deviceAdd = List.of();
        List<PciAddress> deviceRemove = List.of();
        if (!isWhollyKnown(o, DEVICE_ADD)) {
            known = false;
        } else {
            deviceAdd = devices(o, DEVICE_ADD, problems);
        }
        if (!isWhollyKnown(o, DEVICE_REMOVE)) {
            known = false;
        } else {
            deviceRemove = devices(o, DEVICE_REMOVE, problems);
        }
        Set<Integer> both = new LinkedHashSet<>(cpuAdd.intersection(cpuRemove).expand());
        if (!both.isEmpty()) {
            problems.add(new AttributeProblem(
                    path(CPU_REMOVE),
                    "CPU both added and removed",
                    "cpu_add and cpu_remove both list " + CpuList.of(both).format() + "; list each CPU in one of"
                            + " them."));
        }
        Set<PciAddress> devBoth = new LinkedHashSet<>(deviceAdd);
        devBoth.retainAll(deviceRemove);
        if (!devBoth.isEmpty()) {
            problems.add(new AttributeProblem(
                    path(DEVICE_REMOVE),
                    "Device both added and removed",
                    "device_add and device_remove both list "
                            + devBoth.iterator().next() + "; list each device in" + " one of them."));
        }
        if (!known || !problems.isEmpty()) {
            return new Parsed(Optional.empty(), problems);
        }
        OverlaySpec spec =
                new OverlaySpec(instance, cpuAdd, cpuRemove, memoryAdd, memoryRemove, deviceAdd, deviceRemove);
        if (spec.isEmpty()) {
            problems.add(new AttributeProblem(
                    CtyPath.ROOT,
                    "Nothing to do",
                    "A multikernel_overlay needs at least one operation: set cpu_add, cpu_remove, memory_add,"
                            + " memory_remove, device_add or device_remove."));
            return new Parsed(Optional.empty(), problems);
        }
        return new Parsed(Optional.of(spec), problems);
    }

    private static boolean isWhollyKnown(TfObject o, String name) {
        return o.get(name).isWhollyKnown();
    }

    static CtyPath path(String attribute) {
        return CtyPath.ROOT.attr(attribute);
    }

    private static Optional<CpuList> cpus(TfObject o, String name, List<AttributeProblem> problems) {
        if (o.isNull(name)) {
            return Optional.empty();
        }
        try {
            return Optional.of(CpuList.parse(o.requireString(name)));
        } catch (InvalidValueException e) {
            problems.add(new AttributeProblem(
                    path(name),
                    "Invalid " + name,
                    name + ": " + e.getMessage()
                            + ". Write logical CPU numbers as lscpu shows them, such as \"4-7,10\"."));
            return Optional.empty();
        }
    }

    private static List<MemoryAdd> memoryAdd(TfObject o, List<AttributeProblem> problems) {
        List<MemoryAdd> out = new ArrayList<>();
        List<TfObject> items = o.objects(MEMORY_ADD);
        boolean instanceKnown = o.isKnown(INSTANCE);
        boolean toInstance = instanceKnown && !o.isNull(INSTANCE);
        for (int i = 0; i < items.size(); i++) {
            TfObject item = items.get(i);
            CtyPath p = path(MEMORY_ADD).index(i);
            OptionalLong size = size(item, p, problems);
            OptionalInt node = OptionalInt.empty();
            if (item.isKnown(NUMA_NODE) && !item.isNull(NUMA_NODE)) {
                // The schema's validator reports a fraction or a node out of range, on the attribute;
                // this only keeps such a value out of the plan.
                CtyNumber n = ((CtyValue.Num) item.get(NUMA_NODE)).value();
                if (n.fitsLong() && n.longValueExact() >= 0 && n.longValueExact() <= 1023) {
                    node = OptionalInt.of((int) n.longValueExact());
                } else {
                    problems.add(new AttributeProblem(
                            p.attr(NUMA_NODE),
                            "Invalid NUMA node",
                            "memory_add[" + i + "].numa_node must be a whole number between 0 and 1023."));
                }
            }
            OptionalLong base = OptionalLong.empty();
            if (!item.isNull(BASE)) {
                base = address(item.requireString(BASE), p.attr(BASE), "memory_add[" + i + "].base", problems);
                if (instanceKnown && !toInstance) {
                    problems.add(new AttributeProblem(
                            p.attr(BASE),
                            "base is for instances only",
                            "memory_add[" + i + "].base: the kernel picks the address of memory added to the pool;"
                                    + " leave base out, or set instance to give an existing pool range to an"
                                    + " instance."));
                }
            } else if (toInstance) {
                problems.add(new AttributeProblem(
                        p.attr(BASE),
                        "Missing base",
                        "memory_add[" + i + "]: memory given to an instance is an existing free range of the pool;"
                                + " set base to its start address (such as \"0x140000000\")."));
            }
            if (size.isPresent()) {
                out.add(new MemoryAdd(size.getAsLong(), node, base));
            }
        }
        return out;
    }

    private static List<MemoryRemove> memoryRemove(TfObject o, List<AttributeProblem> problems) {
        List<MemoryRemove> out = new ArrayList<>();
        List<TfObject> items = o.objects(MEMORY_REMOVE);
        for (int i = 0; i < items.size(); i++) {
            TfObject item = items.get(i);
            CtyPath p = path(MEMORY_REMOVE).index(i);
            OptionalLong size = size(item, p, problems);
            OptionalLong base =
                    address(item.requireString(BASE), p.attr(BASE), "memory_remove[" + i + "].base", problems);
            if (size.isPresent() && base.isPresent()) {
                out.add(new MemoryRemove(base.getAsLong(), size.getAsLong()));
            }
        }
        return out;
    }

    private static OptionalLong size(TfObject item, CtyPath p, List<AttributeProblem> problems) {
        String text = item.requireString(SIZE);
        String where = p.steps().size() > 1 ? describe(p) + ".size" : "size";
        try {
            ByteSize s = ByteSize.parse(text);
            if (s.bytes() == 0 || !s.isPageAligned()) {
                problems.add(new AttributeProblem(
                        p.attr(SIZE),
                        "Invalid size",
                        where + " = \"" + text + "\": the kernel takes"
                                + " non-zero multiples of the page size (4KiB)"
                                + (s.bytes() == 0
                                        ? "."
                                        : "; use \"" + s.alignUp(ByteSize.PAGE).format() + "\" or \""
                                                + s.alignDown(ByteSize.PAGE).format() + "\".")));
                return OptionalLong.empty();
            }
            return OptionalLong.of(s.bytes());
        } catch (InvalidValueException e) {
            problems.add(new AttributeProblem(p.attr(SIZE), "Invalid size", where + ": " + e.getMessage()));
            return OptionalLong.empty();
        }
    }

    private static String describe(CtyPath p) {
        StringBuilder b = new StringBuilder();
        for (CtyPath.Step s : p.steps()) {
            if (s instanceof CtyPath.AttributeName a) {
                b.append(b.length() == 0 ? "" : ".").append(a.name());
            } else if (s instanceof CtyPath.ElementKeyInt k) {
                b.append('[').append(k.index()).append(']');
            }
        }
        return b.toString();
    }

    /** A physical address: {@code 0x}-prefixed hex or decimal, page aligned. */
    static OptionalLong address(String text, CtyPath p, String where, List<AttributeProblem> problems) {
        String t = text.strip();
        try {
            long v;
            if (t.startsWith("0x") || t.startsWith("0X")) {
                v = Long.parseUnsignedLong(t.substring(2).replace("_", ""), 16);
            } else {
                v = Long.parseLong(t);
            }
            if (v < 0 || v % 4096 != 0) {
                problems.add(new AttributeProblem(
                        p,
                        "Invalid address",
                        where + " = \"" + text + "\": a physical address must"
                                + " be page aligned (a multiple of 0x1000)."));
                return OptionalLong.empty();
            }
            return OptionalLong.of(v);
        } catch (NumberFormatException e) {
            problems.add(new AttributeProblem(
                    p,
                    "Invalid address",
                    where + " = \"" + text + "\" is not an address; write it"
                            + " in hex as /proc/iomem and the pool's device tree show it, such as \"0x140000000\"."));
            return OptionalLong.empty();
        }
    }

    private static List<PciAddress> devices(TfObject o, String name, List<AttributeProblem> problems) {
        List<PciAddress> out = new ArrayList<>();
        List<String> items = o.strings(name);
        for (int i = 0; i < items.size(); i++) {
            String text = items.get(i);
            try {
                PciAddress a = PciAddress.parse(text == null ? "" : text.strip());
                if (out.contains(a)) {
                    problems.add(new AttributeProblem(
                            path(name).index(i),
                            "Device listed twice",
                            name + " lists " + a + " twice; list each device once."));
                } else {
                    out.add(a);
                }
            } catch (IllegalArgumentException e) {
                problems.add(new AttributeProblem(
                        path(name).index(i),
                        "Invalid PCI address",
                        name + "[" + i + "]: " + e.getMessage() + "; use the address lspci -D shows."));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ operations

    /** A logical CPU the host's map does not name. */
    public static final class UnmappedCpuException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String attribute;

        UnmappedCpuException(String attribute, String message) {
            super(message);
            this.attribute = attribute;
        }

        public String attribute() {
            return attribute;
        }
    }

    /**
     * The transaction's operations, in the order the kernel runs a fragment of the target (so
     * they fit in one fragment), CPUs as physical ids from {@code physicalByLogical}.
     *
     * @throws UnmappedCpuException when a CPU's physical id is not known
     */
    public List<OverlayOperation> operations(Map<Integer, Long> physicalByLogical) throws UnmappedCpuException {
        OverlayTarget target = target();
        List<OverlayOperation> ops = new ArrayList<>();
        List<CpuItem> add = cpuItems(CPU_ADD, cpuAdd, physicalByLogical);
        List<CpuItem> remove = cpuItems(CPU_REMOVE, cpuRemove, physicalByLogical);
        List<MemoryRange> removeRanges = memoryRemove.stream()
                .map(r -> MemoryRange.of(r.base(), r.size()))
                .toList();
        List<PciItem> addDevices =
                deviceAdd.stream().map(a -> PciItem.of(a.toString())).toList();
        List<PciItem> removeDevices =
                deviceRemove.stream().map(a -> PciItem.of(a.toString())).toList();
        if (isPool()) {
            // the /resources order: cpu-remove, device-remove, memory-remove, memory-add, cpu-add, device-add
            if (!remove.isEmpty()) {
                ops.add(new OverlayOperation.CpuRemove(target, remove));
            }
            if (!removeDevices.isEmpty()) {
                ops.add(new OverlayOperation.DeviceRemove(target, removeDevices));
            }
            if (!removeRanges.isEmpty()) {
                ops.add(new OverlayOperation.MemoryRemove(target, removeRanges));
            }
            if (!memoryAdd.isEmpty()) {
                ops.add(new OverlayOperation.PoolMemoryAdd(memoryAdd.stream()
                        .map(m -> new MemoryRequest(m.size(), m.numaNode()))
                        .toList()));
            }
            if (!add.isEmpty()) {
                ops.add(new OverlayOperation.CpuAdd(target, add));
            }
            if (!addDevices.isEmpty()) {
                ops.add(new OverlayOperation.DeviceAdd(target, addDevices));
            }
        } else {
            // the instance order: memory-remove, memory-add, cpu-remove, cpu-add, device-remove, device-add
            if (!removeRanges.isEmpty()) {
                ops.add(new OverlayOperation.MemoryRemove(target, removeRanges));
            }
            if (!memoryAdd.isEmpty()) {
                ops.add(new OverlayOperation.InstanceMemoryAdd(
                        instance.get(),
                        memoryAdd.stream()
                                .map(m -> new MemoryRange(
                                        m.base().orElseThrow(), m.size(), m.numaNode(), OptionalInt.empty()))
                                .toList()));
            }
            if (!remove.isEmpty()) {
                ops.add(new OverlayOperation.CpuRemove(target, remove));
            }
            if (!add.isEmpty()) {
                ops.add(new OverlayOperation.CpuAdd(target, add));
            }
            if (!removeDevices.isEmpty()) {
                ops.add(new OverlayOperation.DeviceRemove(target, removeDevices));
            }
            if (!addDevices.isEmpty()) {
                ops.add(new OverlayOperation.DeviceAdd(target, addDevices));
            }
        }
        return ops;
    }

    /** The physical ids of {@code cpus}, ascending logical order. */
    public static List<Long> physical(String attribute, CpuList cpus, Map<Integer, Long> physicalByLogical)
            throws UnmappedCpuException {
        List<Long> out = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        for (int c : cpus) {
            Long p = physicalByLogical.get(c);
            if (p == null) {
                unknown.add(c);
            } else {
                out.add(p);
            }
        }
        if (!unknown.isEmpty()) {
            throw new UnmappedCpuException(
                    attribute,
                    attribute + ": the physical (APIC) id of CPU "
                            + CpuList.of(unknown).format()
                            + " is not known on this host. The host learns it only while the"
                            + " CPU is online in the host, and CPUs in the pool or lent to an instance are offline; the"
                            + " provider never guesses it (a wrong guess would move another core). Name CPUs whose"
                            + " mapping the host reports (see data.multikernel_host cpus[*].apic_id).");
        }
        return out;
    }

    private static List<CpuItem> cpuItems(String attribute, CpuList cpus, Map<Integer, Long> physicalByLogical)
            throws UnmappedCpuException {
        return physical(attribute, cpus, physicalByLogical).stream()
                .map(CpuItem::of)
                .toList();
    }

    /** One line per operation, for messages: "cpu-add of CPU 7 (APIC id 22) to the pool". */
    public static String describe(List<OverlayOperation> ops, Map<Long, Integer> logicalByPhysical) {
        List<String> lines = new ArrayList<>();
        for (OverlayOperation op : ops) {
            String where =
                    op.target() instanceof OverlayTarget.Instance i ? "instance \"" + i.name() + "\"" : "the pool";
            String items;
            if (op instanceof OverlayOperation.CpuAdd a) {
                items = cpus(a.cpus(), logicalByPhysical);
            } else if (op instanceof OverlayOperation.CpuRemove r) {
                items = cpus(r.cpus(), logicalByPhysical);
            } else if (op instanceof OverlayOperation.DeviceAdd a) {
                items = String.join(
                        ", ",
                        a.devices().stream().map(d -> d.pciId().toString()).toList());
            } else if (op instanceof OverlayOperation.DeviceRemove r) {
                items = String.join(
                        ", ",
                        r.devices().stream().map(d -> d.pciId().toString()).toList());
            } else if (op instanceof OverlayOperation.PoolMemoryAdd m) {
                items = String.join(
                        ", ",
                        m.chunks().stream()
                                .map(c -> ByteSize.ofBytes(c.size()).format())
                                .toList());
            } else if (op instanceof OverlayOperation.InstanceMemoryAdd m) {
                items = ranges(m.ranges());
            } else if (op instanceof OverlayOperation.MemoryRemove m) {
                items = ranges(m.ranges());
            } else {
                items = "";
            }
            boolean toward = op.nodeName().endsWith("-add");
            lines.add(op.nodeName() + " of " + items + (toward ? " to " : " from ") + where);
        }
        return String.join("; ", lines);
    }

    private static String cpus(List<CpuItem> items, Map<Long, Integer> logicalByPhysical) {
        List<String> out = new ArrayList<>();
        for (CpuItem c : items) {
            Integer l = logicalByPhysical.get(c.physicalId());
            out.add(
                    l == null
                            ? "APIC id " + c.physicalId()
                            : l == c.physicalId() ? "CPU " + l : "CPU " + l + " (APIC id " + c.physicalId() + ")");
        }
        return String.join(", ", out);
    }

    private static String ranges(List<MemoryRange> ranges) {
        return String.join(
                ", ",
                ranges.stream()
                        .map(r -> ByteSize.ofBytes(r.size()).format() + " at " + hex(r.base()))
                        .toList());
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    // ------------------------------------------------------------------ import

    /** Why a transaction cannot be managed as a {@code multikernel_overlay}. */
    public static final class UnsupportedTransactionException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedTransactionException(String message) {
            super(message);
        }
    }

    /**
     * The spec that writes {@code tx} again, CPUs turned back into logical numbers. Refuses what
     * the resource cannot express: more than one target, instance creation or removal, item
     * properties it does not set (CPU {@code numa-node-id}/{@code flags}, device {@code alias}/
     * {@code driver}/{@code flags}, memory {@code mem-type}), and operations in an order or
     * grouping it would not write.
     */
    public static OverlaySpec fromTransaction(OverlayTransaction tx, Map<Long, Integer> logicalByPhysical)
            throws UnsupportedTransactionException {
        List<OverlayOperation> ops = tx.operations();
        if (ops.isEmpty()) {
            throw new UnsupportedTransactionException("it has no operations");
        }
        OverlayTarget target = ops.get(0).target();
        Optional<String> instance = Optional.empty();
        if (target instanceof OverlayTarget.Instance i) {
            instance = Optional.of(i.name());
        } else if (!(target instanceof OverlayTarget.Pool)) {
            throw new UnsupportedTransactionException(
                    "it creates or removes instances (target /instances);" + " multikernel_instance manages those");
        }
        List<Integer> cpuAdd = new ArrayList<>();
        List<Integer> cpuRemove = new ArrayList<>();
        List<MemoryAdd> memoryAdd = new ArrayList<>();
        List<MemoryRemove> memoryRemove = new ArrayList<>();
        List<PciAddress> deviceAdd = new ArrayList<>();
        List<PciAddress> deviceRemove = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (OverlayOperation op : ops) {
            if (!op.target().equals(target)) {
                throw new UnsupportedTransactionException("it changes both " + target.path() + " and "
                        + op.target().path() + "; a multikernel_overlay changes one target");
            }
            if (!seen.add(op.nodeName())) {
                throw new UnsupportedTransactionException("it runs " + op.nodeName() + " more than once");
            }
            if (op instanceof OverlayOperation.CpuAdd a) {
                cpuAdd.addAll(logical(a.cpus(), logicalByPhysical, "cpu-add"));
            } else if (op instanceof OverlayOperation.CpuRemove r) {
                cpuRemove.addAll(logical(r.cpus(), logicalByPhysical, "cpu-remove"));
            } else if (op instanceof OverlayOperation.PoolMemoryAdd m) {
                m.chunks().forEach(c -> memoryAdd.add(new MemoryAdd(c.size(), c.numaNode(), OptionalLong.empty())));
            } else if (op instanceof OverlayOperation.InstanceMemoryAdd m) {
                for (MemoryRange r : m.ranges()) {
                    if (r.memType().isPresent()) {
                        throw new UnsupportedTransactionException(
                                "its memory-add sets mem-type, which" + " multikernel_overlay does not write");
                    }
                    memoryAdd.add(new MemoryAdd(r.size(), r.numaNode(), OptionalLong.of(r.base())));
                }
            } else if (op instanceof OverlayOperation.MemoryRemove m) {
                for (MemoryRange r : m.ranges()) {
                    if (r.numaNode().isPresent() || r.memType().isPresent()) {
                        throw new UnsupportedTransactionException("its memory-remove items carry more than reg");
                    }
                    memoryRemove.add(new MemoryRemove(r.base(), r.size()));
                }
            } else if (op instanceof OverlayOperation.DeviceAdd a) {
                deviceAdd.addAll(devices(a.devices(), "device-add"));
            } else if (op instanceof OverlayOperation.DeviceRemove r) {
                deviceRemove.addAll(devices(r.devices(), "device-remove"));
            } else {
                throw new UnsupportedTransactionException("it runs " + op.nodeName() + " under "
                        + op.target().path() + ", which multikernel_overlay does not write");
            }
        }
        CpuList add = checkedCpus(cpuAdd, "cpu-add");
        CpuList remove = checkedCpus(cpuRemove, "cpu-remove");
        OverlaySpec spec = new OverlaySpec(instance, add, remove, memoryAdd, memoryRemove, deviceAdd, deviceRemove);
        // The operations this spec writes must run as the transaction's did.
        Map<Integer, Long> physicalByLogical = new java.util.HashMap<>();
        logicalByPhysical.forEach((p, l) -> physicalByLogical.put(l, p));
        List<OverlayOperation> again;
        try {
            again = spec.operations(physicalByLogical);
        } catch (UnmappedCpuException e) {
            throw new UnsupportedTransactionException(e.getMessage());
        }
        if (!canonical(again).equals(canonical(ops))) {
            throw new UnsupportedTransactionException("its operations run in an order multikernel_overlay would not"
                    + " write ("
                    + String.join(
                            ", ", ops.stream().map(OverlayOperation::nodeName).toList())
                    + ")");
        }
        return spec;
    }

    private static CpuList checkedCpus(List<Integer> cpus, String op) throws UnsupportedTransactionException {
        CpuList list = CpuList.of(cpus);
        if (list.size() != cpus.size()) {
            throw new UnsupportedTransactionException("its " + op + " lists a CPU twice");
        }
        return list;
    }

    private static List<Integer> logical(List<CpuItem> items, Map<Long, Integer> logicalByPhysical, String op)
            throws UnsupportedTransactionException {
        List<Integer> out = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        for (CpuItem c : items) {
            if (c.numaNode().isPresent() || c.flags().isPresent()) {
                throw new UnsupportedTransactionException("its " + op + " sets numa-node-id or flags on APIC id "
                        + c.physicalId() + ", which multikernel_overlay does not write");
            }
            Integer l = logicalByPhysical.get(c.physicalId());
            if (l == null) {
                unknown.add(c.physicalId());
            } else {
                out.add(l);
            }
        }
        if (!unknown.isEmpty()) {
            throw new UnsupportedTransactionException("its " + op + " names APIC id" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown.stream().map(String::valueOf).toList()) + ", whose logical CPU"
                    + " number the host does not report (CPUs in the pool or lent to an instance are offline in the"
                    + " host); it can be imported once the host reports the mapping");
        }
        return out;
    }

    private static List<PciAddress> devices(List<PciItem> items, String op) throws UnsupportedTransactionException {
        List<PciAddress> out = new ArrayList<>();
        for (PciItem d : items) {
            if (d.alias().isPresent() || d.driver().isPresent() || d.flags().isPresent()) {
                throw new UnsupportedTransactionException("its " + op + " sets alias, driver or flags on " + d.pciId()
                        + ", which multikernel_overlay does not write");
            }
            if (out.contains(d.pciId())) {
                throw new UnsupportedTransactionException("its " + op + " lists " + d.pciId() + " twice");
            }
            out.add(d.pciId());
        }
        return out;
    }

    /** Operations compared by kind, target and the set of their items, whatever the items' order. */
    private static List<Object> canonical(List<OverlayOperation> ops) {
        List<Object> out = new ArrayList<>();
        for (OverlayOperation op : ops) {
            Object items;
            if (op instanceof OverlayOperation.CpuAdd a) {
                items = Set.copyOf(a.cpus());
            } else if (op instanceof OverlayOperation.CpuRemove r) {
                items = Set.copyOf(r.cpus());
            } else if (op instanceof OverlayOperation.DeviceAdd a) {
                items = Set.copyOf(a.devices());
            } else if (op instanceof OverlayOperation.DeviceRemove r) {
                items = Set.copyOf(r.devices());
            } else if (op instanceof OverlayOperation.PoolMemoryAdd m) {
                items = m.chunks();
            } else if (op instanceof OverlayOperation.InstanceMemoryAdd m) {
                items = m.ranges();
            } else if (op instanceof OverlayOperation.MemoryRemove m) {
                items = m.ranges();
            } else {
                items = op;
            }
            out.add(List.of(op.nodeName(), op.target(), items));
        }
        return out;
    }

    /** Fills the configurable attributes of {@code o} in the canonical user form (for import). */
    public TfObject toAttributes(TfObject o) {
        List<TfObject> add = new ArrayList<>();
        for (MemoryAdd m : memoryAdd) {
            add.add(o.newNested(MEMORY_ADD)
                    .with(SIZE, ByteSize.ofBytes(m.size()).format())
                    .with(NUMA_NODE, m.numaNode().isPresent() ? m.numaNode().getAsInt() : null)
                    .with(BASE, m.base().isPresent() ? hex(m.base().getAsLong()) : null));
        }
        List<TfObject> remove = new ArrayList<>();
        for (MemoryRemove m : memoryRemove) {
            remove.add(o.newNested(MEMORY_REMOVE)
                    .with(BASE, hex(m.base()))
                    .with(SIZE, ByteSize.ofBytes(m.size()).format()));
        }
        return o.with(INSTANCE, instance.orElse(null))
                .with(CPU_ADD, cpuAdd.isEmpty() ? null : cpuAdd.format())
                .with(CPU_REMOVE, cpuRemove.isEmpty() ? null : cpuRemove.format())
                .with(MEMORY_ADD, add.isEmpty() ? null : add)
                .with(MEMORY_REMOVE, remove.isEmpty() ? null : remove)
                .with(
                        DEVICE_ADD,
                        deviceAdd.isEmpty()
                                ? null
                                : deviceAdd.stream().map(PciAddress::toString).toList())
                .with(
                        DEVICE_REMOVE,
                        deviceRemove.isEmpty()
                                ? null
                                : deviceRemove.stream()
                                        .map(PciAddress::toString)
                                        .toList());
    }
}
