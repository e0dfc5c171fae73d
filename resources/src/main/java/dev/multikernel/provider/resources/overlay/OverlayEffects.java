package dev.multikernel.provider.resources.overlay;

import dev.multikernel.host.devicetree.multikernel.CpuItem;
import dev.multikernel.host.devicetree.multikernel.MemoryRange;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PciItem;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.TransactionState;
import dev.multikernel.host.state.TransactionStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the live {@code multikernel_overlay} transactions (status {@code applied}, tag
 * {@value #TAG}) did to one instance, so that the instance resource can leave it out of what it
 * reads back and never sees an overlay's change as drift (docs/design/resources.md).
 *
 * <p>The effects are net, in transaction order: a CPU added by {@code tx_3} and removed again by
 * {@code tx_5} is in neither set. CPUs are physical (APIC) ids as the kernel reads them back;
 * memory ranges compare by base and size; devices by PCI address. Pure: it reads only the given
 * {@link HostState}.
 *
 * @param cpusAdded      physical ids the overlays gave the instance
 * @param cpusRemoved    physical ids the overlays took from it
 * @param memoryAdded    ranges the overlays gave it, ascending base
 * @param memoryRemoved  ranges the overlays took from it, ascending base
 * @param devicesAdded   PCI functions the overlays gave it
 * @param devicesRemoved PCI functions the overlays took from it
 * @param transactions   ids of the transactions that touch the instance, ascending
 * @param unreadable     ids of applied {@value #TAG} transactions whose blob could not be read;
 *                       their effect is unknown (not in the sets above)
 */
public record OverlayEffects(
        Set<Long> cpusAdded,
        Set<Long> cpusRemoved,
        List<MemoryRange> memoryAdded,
        List<MemoryRange> memoryRemoved,
        Set<PciAddress> devicesAdded,
        Set<PciAddress> devicesRemoved,
        List<Integer> transactions,
        List<Integer> unreadable) {

    /** The {@code mk,resources} tag of every transaction {@code multikernel_overlay} writes. */
    public static final String TAG = "terraform:overlay";

    public OverlayEffects {
        cpusAdded = Collections.unmodifiableSortedSet(new TreeSet<>(cpusAdded));
        cpusRemoved = Collections.unmodifiableSortedSet(new TreeSet<>(cpusRemoved));
        memoryAdded = sorted(memoryAdded);
        memoryRemoved = sorted(memoryRemoved);
        devicesAdded = Collections.unmodifiableSet(new LinkedHashSet<>(devicesAdded));
        devicesRemoved = Collections.unmodifiableSet(new LinkedHashSet<>(devicesRemoved));
        transactions = List.copyOf(transactions);
        unreadable = List.copyOf(unreadable);
    }

    /** No overlay touches the instance. */
    public static final OverlayEffects NONE =
            new OverlayEffects(Set.of(), Set.of(), List.of(), List.of(), Set.of(), Set.of(), List.of(), List.of());

    /** Whether the live overlays changed nothing on the instance (unreadable ones aside). */
    public boolean isEmpty() {
        return cpusAdded.isEmpty()
                && cpusRemoved.isEmpty()
                && memoryAdded.isEmpty()
                && memoryRemoved.isEmpty()
                && devicesAdded.isEmpty()
                && devicesRemoved.isEmpty();
    }

    /** Whether {@code tx} is live and written by {@code multikernel_overlay}. */
    public static boolean isLiveOverlay(TransactionState tx) {
        return tx.status() == TransactionStatus.APPLIED && TAG.equals(tagOf(tx).orElse(""));
    }

    /** The {@code mk,resources} tag of {@code tx}: from the parsed blob, else from {@code tx_N/resources}. */
    static Optional<String> tagOf(TransactionState tx) {
        Optional<String> fromBlob = tx.dtbo().value().flatMap(OverlayTransaction::resourcesTag);
        if (fromBlob.isPresent()) {
            return fromBlob;
        }
        return "unknown".equals(tx.resources()) ? Optional.empty() : Optional.of(tx.resources());
    }

    /** What the live {@value #TAG} transactions of {@code state} did to the instance {@code instance}. */
    public static OverlayEffects on(HostState state, String instance) {
        OverlayTarget target;
        try {
            target = OverlayTarget.instance(instance);
        } catch (IllegalArgumentException e) {
            return NONE; // not a name an instance can have: no overlay can target it
        }
        return on(state, target);
    }

    /**
     * What the live {@value #TAG} transactions of {@code state} did to {@code target}: an instance,
     * or the pool ({@code /resources}; CPUs and devices — memory chunks an overlay adds to the pool
     * get their addresses from the kernel and are not told apart).
     */
    public static OverlayEffects on(HostState state, OverlayTarget target) {
        Net<Long> cpus = new Net<>();
        Net<Range> memory = new Net<>();
        Net<PciAddress> devices = new Net<>();
        List<Integer> touching = new ArrayList<>();
        List<Integer> unreadable = new ArrayList<>();
        List<TransactionState> txs = new ArrayList<>(state.transactions());
        txs.sort((a, b) -> Integer.compare(a.id(), b.id()));
        for (TransactionState tx : txs) {
            if (tx.status() != TransactionStatus.APPLIED) {
                continue;
            }
            if (tx.dtbo().value().isEmpty()) {
                if (TAG.equals(tx.resources())) {
                    unreadable.add(tx.id());
                }
                continue;
            }
            if (!isLiveOverlay(tx)) {
                continue;
            }
            boolean touches = false;
            for (OverlayOperation op : tx.dtbo().value().get().operations()) {
                if (!op.target().equals(target)) {
                    continue;
                }
                touches |= apply(op, cpus, memory, devices);
            }
            if (touches) {
                touching.add(tx.id());
            }
        }
        return new OverlayEffects(
                cpus.added,
                cpus.removed,
                ranges(memory.added),
                ranges(memory.removed),
                devices.added,
                devices.removed,
                touching,
                unreadable);
    }

    /**
     * The physical CPU ids the instance would hold without the live overlays: {@code observed}
     * minus what they added, plus what they removed.
     */
    public Set<Long> cpusWithout(Collection<Long> observed) {
        TreeSet<Long> out = new TreeSet<>(observed);
        out.removeAll(cpusAdded);
        out.addAll(cpusRemoved);
        return Collections.unmodifiableSortedSet(out);
    }

    /** The PCI functions the instance would hold without the live overlays. */
    public Set<PciAddress> devicesWithout(Collection<PciAddress> observed) {
        Set<PciAddress> out = new LinkedHashSet<>(observed);
        out.removeAll(devicesAdded);
        out.addAll(devicesRemoved);
        return Collections.unmodifiableSet(out);
    }

    /** Net bytes the overlays added to the instance (negative when they took more than they gave). */
    public long memoryBytesDelta() {
        long delta = 0;
        for (MemoryRange r : memoryAdded) {
            delta += r.size();
        }
        for (MemoryRange r : memoryRemoved) {
            delta -= r.size();
        }
        return delta;
    }

    private static boolean apply(OverlayOperation op, Net<Long> cpus, Net<Range> memory, Net<PciAddress> devices) {
        if (op instanceof OverlayOperation.CpuAdd a) {
            a.cpus().stream().map(CpuItem::physicalId).forEach(cpus::add);
        } else if (op instanceof OverlayOperation.CpuRemove r) {
            r.cpus().stream().map(CpuItem::physicalId).forEach(cpus::remove);
        } else if (op instanceof OverlayOperation.InstanceMemoryAdd a) {
            a.ranges().stream().map(Range::of).forEach(memory::add);
        } else if (op instanceof OverlayOperation.MemoryRemove r) {
            r.ranges().stream().map(Range::of).forEach(memory::remove);
        } else if (op instanceof OverlayOperation.DeviceAdd a) {
            a.devices().stream().map(PciItem::pciId).forEach(devices::add);
        } else if (op instanceof OverlayOperation.DeviceRemove r) {
            r.devices().stream().map(PciItem::pciId).forEach(devices::remove);
        } else {
            return false;
        }
        return true;
    }

    /** A memory range by base and size only (NUMA node and type do not make it another range). */
    private record Range(long base, long size) {
        static Range of(MemoryRange r) {
            return new Range(r.base(), r.size());
        }
    }

    private static List<MemoryRange> ranges(Set<Range> set) {
        return set.stream().map(r -> MemoryRange.of(r.base(), r.size())).toList();
    }

    private static List<MemoryRange> sorted(List<MemoryRange> ranges) {
        List<MemoryRange> out = new ArrayList<>(ranges);
        out.sort((a, b) -> a.base() != b.base()
                ? Long.compareUnsigned(a.base(), b.base())
                : Long.compareUnsigned(a.size(), b.size()));
        return List.copyOf(out);
    }

    /** Net additions and removals: removing what an earlier overlay added cancels it, and the other way round. */
    private static final class Net<T> {
        final Set<T> added = new LinkedHashSet<>();
        final Set<T> removed = new LinkedHashSet<>();

        void add(T item) {
            if (!removed.remove(item)) {
                added.add(item);
            }
        }

        void remove(T item) {
            if (!added.remove(item)) {
                removed.add(item);
            }
        }
    }
}
