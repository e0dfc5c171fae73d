package dev.multikernel.provider.resources.pool;

import static dev.multikernel.provider.resources.pool.PoolSchema.ADDRESS;
import static dev.multikernel.provider.resources.pool.PoolSchema.CPUS;
import static dev.multikernel.provider.resources.pool.PoolSchema.DEVICES;
import static dev.multikernel.provider.resources.pool.PoolSchema.MEMORY;
import static dev.multikernel.provider.resources.pool.PoolSchema.NUMA_NODE;
import static dev.multikernel.provider.resources.pool.PoolSchema.SIZE;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import dev.multikernel.provider.values.InvalidValueException;
import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.spi.TfObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The pool a configuration (or a plan) asks for, read without the host: CPU list and sizes parsed,
 * PCI addresses checked. Every problem is an error on the attribute that holds it.
 *
 * @param cpus    the configured CPU list; empty when {@code cpus} is null
 * @param memory  the configured chunks; empty when {@code memory} is null
 * @param devices the configured PCI devices; empty when {@code devices} is null
 * @param known   whether every value was known (plan time: values from other resources may not be)
 */
record PoolSpec(Optional<Cpus> cpus, Optional<List<Memory>> memory, Optional<List<Device>> devices, boolean known) {

    /** {@code cpus} as written and as a set. */
    record Cpus(String text, CpuList set) {}

    /**
     * One {@code memory} entry.
     *
     * @param text     the size as written
     * @param size     the size
     * @param numaNode the node, when written (or planned)
     */
    record Memory(String text, ByteSize size, OptionalInt numaNode) {}

    /** One {@code devices} entry: the address as written and parsed. */
    record Device(String text, PciAddress address) {}

    static final CtyPath CPUS_PATH = CtyPath.ROOT.attr(CPUS);
    static final CtyPath MEMORY_PATH = CtyPath.ROOT.attr(MEMORY);
    static final CtyPath DEVICES_PATH = CtyPath.ROOT.attr(DEVICES);

    static CtyPath sizePath(int i) {
        return MEMORY_PATH.index(i).attr(SIZE);
    }

    /** A number as a message shows it, shortened when absurdly long. */
    private static String shown(CtyNumber n) {
        String plain = n.toString();
        return plain.length() <= 40 ? plain : plain.substring(0, 20) + "… (" + plain.length() + " characters)";
    }

    static CtyPath nodePath(int i) {
        return MEMORY_PATH.index(i).attr(NUMA_NODE);
    }

    static CtyPath devicePath(int i) {
        return DEVICES_PATH.index(i).attr(ADDRESS);
    }

    /** Whether nothing is asked for at all. */
    boolean isEmpty() {
        return cpus.isEmpty() && memory.isEmpty() && devices.isEmpty();
    }

    CpuList cpuSet() {
        return cpus.map(Cpus::set).orElse(CpuList.EMPTY);
    }

    List<Memory> memoryList() {
        return memory.orElse(List.of());
    }

    List<Device> deviceList() {
        return devices.orElse(List.of());
    }

    /** The total of the configured sizes (saturating). */
    ByteSize memoryTotal() {
        long total = 0;
        for (Memory m : memoryList()) {
            total = total + m.size().bytes() < total
                    ? Long.MAX_VALUE
                    : total + m.size().bytes();
        }
        return ByteSize.ofBytes(total);
    }

    /**
     * Reads {@code object} (configuration or plan). Problems go to {@code diagnostics}; values with
     * a problem are left out, and unknown values make {@link #known()} false. The {@code numa_node}
     * of a chunk is whatever the object holds: in a plan, the node planned for a chunk that exists.
     */
    static PoolSpec read(TfObject object, Diagnostics diagnostics) {
        boolean known = true;
        Optional<Cpus> cpus = Optional.empty();
        if (!object.isKnown(CPUS)) {
            known = false;
        } else if (!object.isNull(CPUS)) {
            String text = object.requireString(CPUS);
            try {
                cpus = Optional.of(new Cpus(text, CpuList.parse(text)));
            } catch (InvalidValueException e) {
                diagnostics.error(
                        CPUS_PATH,
                        "Invalid CPU list in cpus",
                        e.getMessage() + ". Write logical CPU numbers as lscpu shows them, such as \"2-5,8\".");
            }
        }
        Optional<List<Memory>> memory = Optional.empty();
        if (!object.elementsKnown(MEMORY)) {
            known = false;
        } else if (!object.isNull(MEMORY)) {
            List<Memory> chunks = new ArrayList<>();
            List<TfObject> entries = object.objects(MEMORY);
            for (int i = 0; i < entries.size(); i++) {
                TfObject e = entries.get(i);
                Optional<ByteSize> size = Optional.empty();
                String text = null;
                if (!e.isKnown(SIZE)) {
                    known = false;
                } else {
                    text = e.requireString(SIZE);
                    size = size(text, i, diagnostics);
                }
                OptionalInt node = OptionalInt.empty();
                boolean nodeOk = true;
                if (!e.isKnown(NUMA_NODE)) {
                    known = false;
                } else if (!e.isNull(NUMA_NODE)) {
                    CtyNumber n = ((CtyValue.Num) e.get(NUMA_NODE)).value();
                    if (!n.fitsLong() || n.signum() < 0 || n.longValueExact() > 1023) {
                        diagnostics.error(
                                nodePath(i),
                                "Invalid NUMA node in memory[" + i + "].numa_node",
                                shown(n) + " is not a NUMA node: nodes are whole numbers from 0 (see "
                                        + "/sys/devices/system/node on the host). Leave numa_node out to let the kernel"
                                        + " pick.");
                        nodeOk = false;
                    } else {
                        node = OptionalInt.of((int) n.longValueExact());
                    }
                }
                if (size.isPresent() && nodeOk) {
                    chunks.add(new Memory(text, size.get(), node));
                }
            }
            memory = Optional.of(chunks);
        }
        Optional<List<Device>> devices = Optional.empty();
        if (!object.elementsKnown(DEVICES)) {
            known = false;
        } else if (!object.isNull(DEVICES)) {
            List<Device> list = new ArrayList<>();
            Map<PciAddress, Integer> seen = new HashMap<>();
            List<TfObject> entries = object.objects(DEVICES);
            for (int i = 0; i < entries.size(); i++) {
                TfObject e = entries.get(i);
                if (!e.isKnown(ADDRESS)) {
                    known = false;
                    continue;
                }
                String text = e.requireString(ADDRESS);
                try {
                    PciAddress a = PciAddress.parse(text.strip());
                    Integer before = seen.putIfAbsent(a, i);
                    if (before != null) {
                        diagnostics.error(
                                devicePath(i),
                                "PCI device " + a + " is listed twice",
                                "devices[" + before + "] and devices[" + i + "] both name " + a
                                        + "; list each device once.");
                    } else {
                        list.add(new Device(text, a));
                    }
                } catch (IllegalArgumentException ex) {
                    diagnostics.error(
                            devicePath(i),
                            "Invalid PCI address in devices[" + i + "].address",
                            ex.getMessage() + ". Copy the address from lspci -D.");
                }
            }
            devices = Optional.of(list);
        }
        return new PoolSpec(cpus, memory, devices, known);
    }

    /** Parses one {@code memory[i].size}: a valid size, more than zero, whole pages. */
    static Optional<ByteSize> size(String text, int i, Diagnostics diagnostics) {
        CtyPath path = sizePath(i);
        String where = "memory[" + i + "].size";
        ByteSize size;
        try {
            size = ByteSize.parse(text);
        } catch (InvalidValueException e) {
            diagnostics.error(path, "Invalid size in " + where, e.getMessage() + ".");
            return Optional.empty();
        }
        if (size.bytes() == 0) {
            diagnostics.error(
                    path,
                    "Invalid size in " + where,
                    "A pool chunk cannot be empty; give a size such as "
                            + "\"512MiB\" or \"1GiB\", or remove the entry.");
            return Optional.empty();
        }
        if (!size.isPageAligned()) {
            ByteSize down = size.alignDown(ByteSize.PAGE);
            ByteSize up = size.alignUp(ByteSize.PAGE);
            diagnostics.error(
                    path,
                    size.format() + " is not a whole number of 4KiB pages",
                    "The kernel takes pool memory in pages; use " + (down.bytes() > 0 ? down.format() + " or " : "")
                            + up.format() + " in " + where + ".");
            return Optional.empty();
        }
        return Optional.of(size);
    }
}
