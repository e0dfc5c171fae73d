package dev.multikernel.provider.resources.instance;

import dev.multikernel.host.devicetree.multikernel.MemoryRange;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.provider.plan.HostInstance;
import dev.multikernel.provider.plan.HostView;
import dev.multikernel.provider.plan.MemoryChunk;
import dev.tfjvm.spi.ResourceException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The overlay operations that change an instance's memory live (current interface): shrinking
 * gives back the top of its range, growing takes the lowest free pool range that fits, moving to
 * another NUMA node gives everything back and takes a range there.
 */
final class InstanceMemory {
    private InstanceMemory() {}

    static List<OverlayOperation> change(HostView view, String name, long before, long after, OptionalInt node)
            throws ResourceException {
        HostInstance instance = view.instance(name).orElseThrow();
        List<OverlayOperation> ops = new ArrayList<>();
        OverlayTarget target = new OverlayTarget.Instance(name);
        List<MemoryChunk> held = instance.memory();
        boolean moves =
                node.isPresent() && held.stream().anyMatch(c -> !c.numaNode().equals(node));
        if (moves || after == 0) {
            if (!held.isEmpty()) {
                ops.add(new OverlayOperation.MemoryRemove(
                        target,
                        held.stream()
                                .map(c -> MemoryRange.of(c.base(), c.size()))
                                .toList()));
            }
            if (after > 0) {
                ops.add(new OverlayOperation.InstanceMemoryAdd(name, List.of(take(view, name, after, node))));
            }
            return ops;
        }
        long current = instance.memoryBytes();
        if (after < current) {
            MemoryChunk top = held.get(held.size() - 1);
            long cut = current - after;
            if (cut > top.size()) {
                throw new ResourceException(
                        "Cannot shrink the memory of instance \"" + name + "\" live",
                        "Its memory is in several ranges and the shrink spans more than the last one. Remove the "
                                + "instance's memory setting change, or recreate the instance.");
            }
            ops.add(new OverlayOperation.MemoryRemove(target, List.of(MemoryRange.of(top.end() - cut, cut))));
        } else if (after > current) {
            ops.add(new OverlayOperation.InstanceMemoryAdd(name, List.of(take(view, name, after - current, node))));
        }
        return ops;
    }

    private static MemoryRange take(HostView view, String name, long size, OptionalInt node) throws ResourceException {
        MemoryChunk free = view.firstFreeRange(size, node)
                .orElseThrow(() -> new ResourceException(
                        "No free pool range of " + size + " bytes for instance \"" + name + "\"",
                        "The pool of host " + view.hostName() + " has no contiguous free range that large"
                                + (node.isPresent() ? " on NUMA node " + node.getAsInt() : "")
                                + ". Lower memory, or add memory to the multikernel_pool."));
        return node.isPresent()
                ? MemoryRange.of(free.base(), size, node.getAsInt())
                : MemoryRange.of(free.base(), size);
    }
}
