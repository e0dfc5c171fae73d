package dev.multikernel.provider.resources.pool;

import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PciFunction;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.IomemRange;
import dev.multikernel.provider.kernel.RfcV2Interface;
import dev.multikernel.provider.plan.HostView;
import dev.multikernel.provider.resources.overlay.OverlayEffects;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * The pool of a current-tree host as its state shows it, in the kernel's terms (physical CPU ids,
 * chunks with their bases), with what each instance holds from it.
 *
 * @param cpus      every pool CPU (physical ids), ascending, including those lent to instances
 * @param available the free ones
 * @param chunks    the memory chunks, ascending base
 * @param devices   every pool PCI device: free ones and those lent to instances, ascending
 * @param holders   instances and what they hold, by name
 */
record LivePool(
        List<Long> cpus, Set<Long> available, List<PoolChunk> chunks, List<PciAddress> devices, List<Holder> holders) {

    /** What one instance holds from the pool. */
    record Holder(String name, Set<Long> cpus, List<long[]> memory, Set<PciAddress> devices) {
        boolean holdsAnything() {
            return !cpus.isEmpty() || !memory.isEmpty() || !devices.isEmpty();
        }

        boolean overlaps(PoolChunk c) {
            for (long[] r : memory) {
                if (r[0] < c.base() + c.size() && c.base() < r[0] + r[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    LivePool {
        cpus = cpus.stream().sorted().distinct().toList();
        available = Set.copyOf(available);
        chunks = chunks.stream()
                .sorted(Comparator.comparingLong(PoolChunk::base))
                .toList();
        devices = devices.stream()
                .distinct()
                .sorted(Comparator.comparing(PciAddress::toString))
                .toList();
        holders = holders.stream().sorted(Comparator.comparing(Holder::name)).toList();
    }

    static final LivePool EMPTY = new LivePool(List.of(), Set.of(), List.of(), List.of(), List.of());

    /**
     * Whether a baseline is in force. Before the first baseline the kernel reads back its own CPUs as
     * {@code cpus} with no free CPUs and no memory; a pool always has memory (the baseline needs it,
     * and memory cannot be removed while CPUs are parked in the pool), and once everything has been
     * given back nothing is left.
     */
    boolean exists() {
        return !chunks.isEmpty() || !available.isEmpty() || !devices.isEmpty();
    }

    /** The instances holding {@code cpu}. */
    List<String> holdersOfCpu(long cpu) {
        return holders.stream()
                .filter(h -> h.cpus().contains(cpu))
                .map(Holder::name)
                .toList();
    }

    List<String> holdersOfChunk(PoolChunk chunk) {
        return holders.stream().filter(h -> h.overlaps(chunk)).map(Holder::name).toList();
    }

    List<String> holdersOfDevice(PciAddress device) {
        return holders.stream()
                .filter(h -> h.devices().contains(device))
                .map(Holder::name)
                .toList();
    }

    /** Instances that hold anything, with unreadable instances counted as holders. */
    List<Holder> activeHolders() {
        return holders.stream().filter(Holder::holdsAnything).toList();
    }

    /** The pool CPUs the kernel calls taken that no readable instance holds. */
    Set<Long> unaccountedCpus() {
        Set<Long> out = new TreeSet<>(cpus);
        out.removeAll(available);
        holders.forEach(h -> out.removeAll(h.cpus()));
        return out;
    }

    /** Reads the pool of a current-tree host; empty when its tree could not be read (see {@link #problem}). */
    static Optional<LivePool> of(HostState state) {
        Optional<PoolTree> tree = state.pool().flatMap(p -> p.deviceTree().value());
        if (tree.isEmpty()) {
            return Optional.empty();
        }
        PoolTree t = tree.get();
        List<Holder> holders = new ArrayList<>();
        List<PciAddress> devices = new ArrayList<>();
        t.pciDevices().stream().map(PciFunction::address).forEach(devices::add);
        for (InstanceState i : state.instances()) {
            Set<Long> cpus = new TreeSet<>();
            List<long[]> memory = new ArrayList<>();
            Set<PciAddress> held = new LinkedHashSet<>();
            Optional<InstanceTree> it = i.deviceTree().flatMap(d -> d.value());
            if (it.isPresent()) {
                cpus.addAll(it.get().cpus());
                if (it.get().memoryBytes() > 0) {
                    memory.add(new long[] {it.get().memoryBase(), it.get().memoryBytes()});
                }
                it.get().pciDevices().stream().map(PciFunction::address).forEach(held::add);
            }
            for (IomemRange r : state.iomem().orElse(List.of())) {
                Matcher m = HostView.INSTANCE_REGION.matcher(r.name());
                if (m.matches() && m.group(2).equals(i.name())) {
                    memory.add(new long[] {r.start(), r.size()});
                }
            }
            devices.addAll(held);
            holders.add(new Holder(i.name(), cpus, memory, held));
        }
        // what multikernel_overlay transactions lent the pool or took from it is theirs, not the
        // pool resource's: neither sees the other's change as drift
        OverlayEffects lent = OverlayEffects.on(state, OverlayTarget.POOL);
        List<Long> cpus = new ArrayList<>(
                t.cpus().stream().filter(c -> !lent.cpusAdded().contains(c)).toList());
        lent.cpusRemoved().stream().filter(c -> !cpus.contains(c)).forEach(cpus::add);
        List<PciAddress> own = new ArrayList<>(lent.devicesWithout(devices));
        return Optional.of(new LivePool(cpus, Set.copyOf(t.cpusAvailable()), t.chunks(), own, holders));
    }

    /** Why {@link #of} found no pool tree. */
    static String problem(HostState state) {
        return state.pool().flatMap(p -> p.deviceTree().problem()).orElse("the host did not return its pool tree");
    }

    /** The RFC v2 pool: the bytes of the {@code Multikernel Memory Pool} ranges of {@code /proc/iomem}. */
    static long v2PoolBytes(HostState state) {
        return new RfcV2Interface(state).poolBytes();
    }
}
