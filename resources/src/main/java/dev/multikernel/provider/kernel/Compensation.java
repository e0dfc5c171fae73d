package dev.multikernel.provider.kernel;

import dev.multikernel.host.devicetree.multikernel.CpuItem;
import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.MemoryRange;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PciFunction;
import dev.multikernel.host.devicetree.multikernel.PciItem;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.HostState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Undoing a failed transaction by hand. The kernel stops a transaction at its first failing
 * step and keeps the steps before it; {@code rmdir tx_N} then undoes every step in reverse,
 * including the ones that never ran, and when undoing one of those fails the transaction stays
 * (kernel-interface.md §7, caveat 2). So when the rollback is refused, the provider finds which
 * steps took effect by comparing the host before and after, and writes their inverse as a new
 * transaction. Pure: it reads only the two states.
 *
 * @param inverse    operations that undo what took effect, in the order to run them; empty when
 *                   nothing took effect
 * @param tookEffect what took effect, for messages
 */
public record Compensation(List<OverlayOperation> inverse, List<OverlayOperation> tookEffect) {

    /**
     * The tag of compensating transactions, whoever wrote the failed one; the overlay resource's
     * {@code OverlayEffects} does not count them, nor the failed one.
     */
    public static final String TAG = "terraform:overlay-undo";

    public Compensation {
        inverse = List.copyOf(inverse);
        tookEffect = List.copyOf(tookEffect);
    }

    /**
     * What of {@code written} took effect between {@code before} and {@code after}, and its inverse.
     *
     * @throws UnsupportedOperationException when an {@code instance-remove} took effect: the
     *         instance's settings went with it, so it cannot be made again from here
     */
    public static Compensation of(List<OverlayOperation> written, HostState before, HostState after) {
        List<OverlayOperation> effective = new ArrayList<>();
        // The kernel runs the list in order: every step before the last one with an effect ran whole.
        int last = -1;
        List<Optional<OverlayOperation>> seen = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            Optional<OverlayOperation> e = effect(written.get(i), before, after);
            seen.add(e);
            if (e.isPresent()) {
                last = i;
            }
        }
        for (int i = 0; i <= last; i++) {
            effective.add(i < last ? written.get(i) : seen.get(i).orElseThrow());
        }
        List<OverlayOperation> inverse = new ArrayList<>();
        for (OverlayOperation op : effective) {
            inverse.add(inverse(op, before, after));
        }
        Collections.reverse(inverse);
        return new Compensation(inverse, effective);
    }

    /** The part of {@code op} whose effect shows in {@code after}; empty when none does. */
    static Optional<OverlayOperation> effect(OverlayOperation op, HostState before, HostState after) {
        OverlayTarget t = op.target();
        if (op instanceof OverlayOperation.CpuAdd a) {
            List<CpuItem> done = a.cpus().stream()
                    .filter(c -> cpus(after, t).contains(c.physicalId())
                            && !cpus(before, t).contains(c.physicalId()))
                    .toList();
            return done.isEmpty() ? Optional.empty() : Optional.of(new OverlayOperation.CpuAdd(t, done));
        }
        if (op instanceof OverlayOperation.CpuRemove r) {
            List<CpuItem> done = r.cpus().stream()
                    .filter(c -> !cpus(after, t).contains(c.physicalId())
                            && cpus(before, t).contains(c.physicalId()))
                    .toList();
            return done.isEmpty() ? Optional.empty() : Optional.of(new OverlayOperation.CpuRemove(t, done));
        }
        if (op instanceof OverlayOperation.DeviceAdd a) {
            List<PciItem> done = a.devices().stream()
                    .filter(d -> devices(after, t).contains(d.pciId())
                            && !devices(before, t).contains(d.pciId()))
                    .toList();
            return done.isEmpty() ? Optional.empty() : Optional.of(new OverlayOperation.DeviceAdd(t, done));
        }
        if (op instanceof OverlayOperation.DeviceRemove r) {
            List<PciItem> done = r.devices().stream()
                    .filter(d -> !devices(after, t).contains(d.pciId())
                            && devices(before, t).contains(d.pciId()))
                    .toList();
            return done.isEmpty() ? Optional.empty() : Optional.of(new OverlayOperation.DeviceRemove(t, done));
        }
        if (op instanceof OverlayOperation.PoolMemoryAdd) {
            return newChunks(before, after).isEmpty() ? Optional.empty() : Optional.of(op);
        }
        if (op instanceof OverlayOperation.InstanceCreate c) {
            return after.instance(c.name()).isPresent()
                            && before.instance(c.name()).isEmpty()
                    ? Optional.of(op)
                    : Optional.empty();
        }
        if (op instanceof OverlayOperation.InstanceRemove r) {
            return before.instance(r.name()).isPresent()
                            && after.instance(r.name()).isEmpty()
                    ? Optional.of(op)
                    : Optional.empty();
        }
        if (op instanceof OverlayOperation.MemoryRemove r && t instanceof OverlayTarget.Pool) {
            List<MemoryRange> done = r.ranges().stream()
                    .filter(m -> hasChunk(before, m) && !hasChunk(after, m))
                    .toList();
            return done.isEmpty() ? Optional.empty() : Optional.of(new OverlayOperation.MemoryRemove(t, done));
        }
        // instance memory: the read-back shows only the total, so a change of it is the evidence
        long was = instance(before, t).map(InstanceTree::memoryBytes).orElse(0L);
        long is = instance(after, t).map(InstanceTree::memoryBytes).orElse(0L);
        return was == is ? Optional.empty() : Optional.of(op);
    }

    private static OverlayOperation inverse(OverlayOperation op, HostState before, HostState after) {
        OverlayTarget t = op.target();
        if (op instanceof OverlayOperation.CpuAdd a) {
            return new OverlayOperation.CpuRemove(
                    t, a.cpus().stream().map(c -> CpuItem.of(c.physicalId())).toList());
        }
        if (op instanceof OverlayOperation.CpuRemove r) {
            return new OverlayOperation.CpuAdd(
                    t, r.cpus().stream().map(c -> CpuItem.of(c.physicalId())).toList());
        }
        if (op instanceof OverlayOperation.DeviceAdd a) {
            return new OverlayOperation.DeviceRemove(
                    t,
                    a.devices().stream()
                            .map(d -> PciItem.of(d.pciId().toString()))
                            .toList());
        }
        if (op instanceof OverlayOperation.DeviceRemove r) {
            return new OverlayOperation.DeviceAdd(
                    t,
                    r.devices().stream()
                            .map(d -> PciItem.of(d.pciId().toString()))
                            .toList());
        }
        if (op instanceof OverlayOperation.InstanceCreate c) {
            return new OverlayOperation.InstanceRemove(c.name());
        }
        if (op instanceof OverlayOperation.InstanceRemove r) {
            throw new UnsupportedOperationException("instance \"" + r.name() + "\" was removed, and an "
                    + "instance-remove cannot be undone: its settings went with it");
        }
        if (op instanceof OverlayOperation.PoolMemoryAdd) {
            return new OverlayOperation.MemoryRemove(
                    t,
                    newChunks(before, after).stream()
                            .map(c -> MemoryRange.of(c.base(), c.size()))
                            .toList());
        }
        if (op instanceof OverlayOperation.MemoryRemove r && t instanceof OverlayTarget.Pool) {
            // the kernel gives the memory back at an address of its choosing
            return new OverlayOperation.PoolMemoryAdd(r.ranges().stream()
                    .map(m -> new MemoryRequest(
                            m.size(), chunk(before, m).map(PoolChunk::numaNode).orElse(m.numaNode())))
                    .toList());
        }
        if (op instanceof OverlayOperation.InstanceMemoryAdd m) {
            return new OverlayOperation.MemoryRemove(
                    t,
                    m.ranges().stream()
                            .map(r -> MemoryRange.of(r.base(), r.size()))
                            .toList());
        }
        OverlayOperation.MemoryRemove r = (OverlayOperation.MemoryRemove) op;
        return new OverlayOperation.InstanceMemoryAdd(((OverlayTarget.Instance) t).name(), r.ranges());
    }

    private static Optional<PoolTree> pool(HostState s) {
        return s.pool().flatMap(p -> p.deviceTree().value());
    }

    private static Optional<InstanceTree> instance(HostState s, OverlayTarget t) {
        if (!(t instanceof OverlayTarget.Instance i)) {
            return Optional.empty();
        }
        return s.instance(i.name()).flatMap(x -> x.deviceTree()).flatMap(d -> d.value());
    }

    private static Set<Long> cpus(HostState s, OverlayTarget t) {
        if (t instanceof OverlayTarget.Pool) {
            return new HashSet<>(pool(s).map(PoolTree::cpus).orElse(List.of()));
        }
        return new HashSet<>(instance(s, t).map(InstanceTree::cpus).orElse(List.of()));
    }

    private static Set<PciAddress> devices(HostState s, OverlayTarget t) {
        List<PciFunction> fns = t instanceof OverlayTarget.Pool
                ? pool(s).map(PoolTree::pciDevices).orElse(List.of())
                : instance(s, t).map(InstanceTree::pciDevices).orElse(List.of());
        Set<PciAddress> out = new HashSet<>();
        fns.forEach(f -> out.add(f.address()));
        return out;
    }

    private static List<PoolChunk> newChunks(HostState before, HostState after) {
        List<PoolChunk> was = pool(before).map(PoolTree::chunks).orElse(List.of());
        return pool(after).map(PoolTree::chunks).orElse(List.of()).stream()
                .filter(c -> was.stream().noneMatch(w -> w.base() == c.base() && w.size() == c.size()))
                .toList();
    }

    private static Optional<PoolChunk> chunk(HostState s, MemoryRange m) {
        return pool(s).map(PoolTree::chunks).orElse(List.of()).stream()
                .filter(c -> c.base() == m.base() && c.size() == m.size())
                .findFirst();
    }

    private static boolean hasChunk(HostState s, MemoryRange m) {
        return chunk(s, m).isPresent();
    }
}
