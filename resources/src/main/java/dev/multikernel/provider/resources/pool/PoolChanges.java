package dev.multikernel.provider.resources.pool;

import dev.multikernel.host.devicetree.multikernel.CpuItem;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PciItem;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.provider.plan.CpuTopology;
import dev.multikernel.provider.resources.AttributeProblem;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What it takes to turn a current-tree host's pool into the one a configuration asks for, in the
 * kernel's terms, and why it cannot be done (each problem names the attribute to fix). Pure: the
 * resource checks it at plan time and computes it again from a fresh read at apply time.
 *
 * @param cpuAdd        physical ids to add (ascending)
 * @param cpuRemove     physical ids to give back to the host
 * @param memoryAdd     chunks to add, in configuration order
 * @param memoryRemove  whole chunks to give back
 * @param deviceAdd     PCI devices to add
 * @param deviceRemove  PCI devices to give back
 * @param memoryMatch   for each configured chunk, the index of the live chunk it is (or -1: new)
 * @param problems      why the change cannot be made
 */
record PoolChanges(
        List<Long> cpuAdd,
        List<Long> cpuRemove,
        List<MemoryRequest> memoryAdd,
        List<PoolChunk> memoryRemove,
        List<PciAddress> deviceAdd,
        List<PciAddress> deviceRemove,
        int[] memoryMatch,
        List<AttributeProblem> problems) {

    boolean isEmpty() {
        return cpuAdd.isEmpty()
                && cpuRemove.isEmpty()
                && memoryAdd.isEmpty()
                && memoryRemove.isEmpty()
                && deviceAdd.isEmpty()
                && deviceRemove.isEmpty();
    }

    /** The operations of one {@code /resources} transaction, in the kernel's order for a pool fragment. */
    List<OverlayOperation> operations() {
        List<OverlayOperation> ops = new ArrayList<>();
        if (!cpuRemove.isEmpty()) {
            ops.add(new OverlayOperation.CpuRemove(
                    OverlayTarget.POOL, cpuRemove.stream().map(CpuItem::of).toList()));
        }
        if (!deviceRemove.isEmpty()) {
            ops.add(new OverlayOperation.DeviceRemove(
                    OverlayTarget.POOL,
                    deviceRemove.stream().map(a -> PciItem.of(a.toString())).toList()));
        }
        if (!memoryRemove.isEmpty()) {
            ops.add(new OverlayOperation.MemoryRemove(
                    OverlayTarget.POOL,
                    memoryRemove.stream().map(PoolChunk::asRange).toList()));
        }
        if (!memoryAdd.isEmpty()) {
            ops.add(new OverlayOperation.PoolMemoryAdd(memoryAdd));
        }
        if (!cpuAdd.isEmpty()) {
            ops.add(new OverlayOperation.CpuAdd(
                    OverlayTarget.POOL, cpuAdd.stream().map(CpuItem::of).toList()));
        }
        if (!deviceAdd.isEmpty()) {
            ops.add(new OverlayOperation.DeviceAdd(
                    OverlayTarget.POOL,
                    deviceAdd.stream().map(a -> PciItem.of(a.toString())).toList()));
        }
        return ops;
    }

    /** Everything back to the host: the operations of destroying {@code live}. */
    static PoolChanges releaseAll(LivePool live) {
        return new PoolChanges(
                List.of(), live.cpus(), List.of(), live.chunks(), List.of(), live.devices(), new int[0], List.of());
    }

    /**
     * Compares {@code desired} (wholly known) with {@code live}.
     *
     * @param host       the host's name in messages
     * @param nodes      NUMA nodes the host is known to have; empty when it reports none (not checked)
     */
    static PoolChanges compute(String host, PoolSpec desired, LivePool live, CpuTopology mapping, Set<Integer> nodes) {
        List<AttributeProblem> problems = new ArrayList<>();

        // CPUs
        CpuList want = desired.cpuSet();
        CpuList missing = want.minus(want.intersection(mapping.all()));
        if (!missing.isEmpty()) {
            problems.add(new AttributeProblem(
                    PoolSpec.CPUS_PATH,
                    (missing.size() == 1 ? "CPU " : "CPUs ") + missing.format()
                            + (missing.size() == 1 ? " does" : " do") + " not exist on host " + host,
                    "Host " + host + " has CPUs " + mapping.all().format()
                            + " (logical numbers, as lscpu shows them). Remove the others from cpus."));
        }
        CpuList unnamed = mapping.withoutPhysicalId(want.minus(missing));
        if (!unnamed.isEmpty()) {
            problems.add(new AttributeProblem(
                    PoolSpec.CPUS_PATH,
                    "The APIC id of " + (unnamed.size() == 1 ? "CPU " : "CPUs ") + unnamed.format() + " is not known",
                    "Host " + host + " reports physical (APIC) ids only for CPUs it has seen online, and the kernel's "
                            + "pool speaks APIC ids, so " + (unnamed.size() == 1 ? "this CPU" : "these CPUs")
                            + " cannot be named. Bring " + (unnamed.size() == 1 ? "it" : "them")
                            + " online on the host (echo 1 > /sys/devices/system/cpu/cpuN/online) and plan again, or "
                            + "leave " + (unnamed.size() == 1 ? "it" : "them") + " out of cpus."));
        }
        Set<Long> wantPhysical = new TreeSet<>(mapping.physicalIds(want));
        Set<Long> have = new TreeSet<>(live.cpus());
        List<Long> cpuAdd = wantPhysical.stream().filter(p -> !have.contains(p)).toList();
        List<Long> cpuRemove =
                have.stream().filter(p -> !wantPhysical.contains(p)).toList();
        if (unnamed.isEmpty()) {
            Map<String, List<Long>> held = new LinkedHashMap<>();
            List<Long> unaccounted = new ArrayList<>();
            Set<Long> taken = live.unaccountedCpus();
            for (long p : cpuRemove) {
                live.holdersOfCpu(p)
                        .forEach(h ->
                                held.computeIfAbsent(h, k -> new ArrayList<>()).add(p));
                if (taken.contains(p)) {
                    unaccounted.add(p);
                }
            }
            held.forEach((name, ids) -> problems.add(new AttributeProblem(
                    PoolSpec.CPUS_PATH,
                    describeCpus(ids, mapping) + (ids.size() == 1 ? " is" : " are") + " given to instance \"" + name
                            + "\"",
                    "Instance \"" + name + "\" on host " + host + " holds " + describeCpus(ids, mapping)
                            + ", so " + (ids.size() == 1 ? "it" : "they") + " cannot leave the pool. Keep "
                            + (ids.size() == 1 ? "it" : "them") + " in cpus, or first take "
                            + (ids.size() == 1 ? "it" : "them") + " from the instance (change or destroy it).")));
            if (!unaccounted.isEmpty()) {
                problems.add(new AttributeProblem(
                        PoolSpec.CPUS_PATH,
                        describeCpus(unaccounted, mapping) + (unaccounted.size() == 1 ? " is" : " are")
                                + " given to an instance whose device tree could not be read",
                        "The kernel on host " + host + " calls " + (unaccounted.size() == 1 ? "it" : "them")
                                + " taken; keep " + (unaccounted.size() == 1 ? "it" : "them") + " in cpus."));
            }
        }

        // memory
        List<PoolSpec.Memory> entries = desired.memoryList();
        for (int i = 0; i < entries.size(); i++) {
            OptionalInt n = entries.get(i).numaNode();
            if (n.isPresent() && !nodes.isEmpty() && !nodes.contains(n.getAsInt())) {
                problems.add(new AttributeProblem(
                        PoolSpec.nodePath(i),
                        "NUMA node " + n.getAsInt() + " does not exist on host " + host,
                        "Host " + host + " has NUMA nodes "
                                + nodes.stream().sorted().map(String::valueOf).collect(Collectors.joining(", "))
                                + ". Pick one of them, or leave numa_node out."));
            }
        }
        int[] match = MemoryMatch.match(
                entries, live.chunks(), c -> !live.holdersOfChunk(c).isEmpty());
        List<MemoryRequest> memoryAdd = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (match[i] < 0) {
                memoryAdd.add(new MemoryRequest(
                        entries.get(i).size().bytes(), entries.get(i).numaNode()));
            }
        }
        List<PoolChunk> memoryRemove = MemoryMatch.unmatched(match, live.chunks());
        for (PoolChunk c : memoryRemove) {
            List<String> holders = live.holdersOfChunk(c);
            if (!holders.isEmpty()) {
                problems.add(new AttributeProblem(
                        PoolSpec.MEMORY_PATH,
                        "The " + ByteSize.ofBytes(c.size()).format() + " chunk at 0x" + Long.toHexString(c.base())
                                + " holds memory of instance " + quoted(holders),
                        "The pool of host " + host + " cannot give back memory an instance holds. Keep a "
                                + ByteSize.ofBytes(c.size()).format() + " entry"
                                + (c.numaNode().isPresent()
                                        ? " on NUMA node " + c.numaNode().getAsInt()
                                        : "")
                                + " in memory, or first shrink or destroy " + quoted(holders) + "."));
            }
        }

        // devices
        Set<PciAddress> wantDevices = new java.util.LinkedHashSet<>();
        desired.deviceList().forEach(d -> wantDevices.add(d.address()));
        List<PciAddress> deviceAdd =
                wantDevices.stream().filter(a -> !live.devices().contains(a)).toList();
        List<PciAddress> deviceRemove =
                live.devices().stream().filter(a -> !wantDevices.contains(a)).toList();
        for (PciAddress a : deviceRemove) {
            List<String> holders = live.holdersOfDevice(a);
            if (!holders.isEmpty()) {
                problems.add(new AttributeProblem(
                        PoolSpec.DEVICES_PATH,
                        "PCI device " + a + " is lent to instance " + quoted(holders),
                        "It cannot leave the pool of host " + host + " while an instance has it. "
                                + "Keep it in devices, or first take it from " + quoted(holders) + "."));
            }
        }
        return new PoolChanges(cpuAdd, cpuRemove, memoryAdd, memoryRemove, deviceAdd, deviceRemove, match, problems);
    }

    /** The node a configured chunk will have: as written, else that of the live chunk it is. */
    OptionalInt plannedNode(PoolSpec.Memory entry, int index, LivePool live) {
        if (entry.numaNode().isPresent()) {
            return entry.numaNode();
        }
        return index < memoryMatch.length && memoryMatch[index] >= 0
                ? live.chunks().get(memoryMatch[index]).numaNode()
                : OptionalInt.empty();
    }

    private static String describeCpus(List<Long> physical, CpuTopology mapping) {
        List<String> parts = physical.stream().map(mapping::describePhysical).toList();
        return String.join(", ", parts);
    }

    static String quoted(List<String> names) {
        return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
    }
}
