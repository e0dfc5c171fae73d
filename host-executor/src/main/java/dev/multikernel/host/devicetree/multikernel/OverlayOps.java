package dev.multikernel.host.devicetree.multikernel;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.DeviceTreeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Factories for current-tree overlay operations (kernel-interface.md §2 "Operations", §8 (b)-(d))
 * and shorthands for {@link OverlayTransaction}.
 */
public final class OverlayOps {
    private OverlayOps() {}

    /** {@code instance-create} with a chosen id (1..511 for kerf, 1..{@code InstanceState.MAX_ID} for kexec; §1). */
    public static OverlayOperation.InstanceCreate instanceCreate(String name, int id, InstanceResources resources) {
        return new OverlayOperation.InstanceCreate(name, OptionalInt.of(id), resources);
    }

    /** {@code instance-create} letting the kernel pick the lowest free id. */
    public static OverlayOperation.InstanceCreate instanceCreate(String name, InstanceResources resources) {
        return new OverlayOperation.InstanceCreate(name, OptionalInt.empty(), resources);
    }

    public static OverlayOperation.InstanceRemove instanceRemove(String name) {
        return new OverlayOperation.InstanceRemove(name);
    }

    /** Grow the pool by chunks of the given sizes ({@code /resources memory-add}). */
    public static OverlayOperation.PoolMemoryAdd poolMemoryAdd(MemoryRequest... chunks) {
        return new OverlayOperation.PoolMemoryAdd(Arrays.asList(chunks));
    }

    /** Give existing pool ranges to an instance. */
    public static OverlayOperation.InstanceMemoryAdd instanceMemoryAdd(String instance, MemoryRange... ranges) {
        return new OverlayOperation.InstanceMemoryAdd(instance, Arrays.asList(ranges));
    }

    public static OverlayOperation.MemoryRemove memoryRemove(OverlayTarget target, MemoryRange... ranges) {
        return new OverlayOperation.MemoryRemove(target, Arrays.asList(ranges));
    }

    /** {@code cpu-add} of the given physical ids, without NUMA or flags. */
    public static OverlayOperation.CpuAdd cpuAdd(OverlayTarget target, long... physicalIds) {
        return new OverlayOperation.CpuAdd(target, cpuItems(physicalIds));
    }

    public static OverlayOperation.CpuRemove cpuRemove(OverlayTarget target, long... physicalIds) {
        return new OverlayOperation.CpuRemove(target, cpuItems(physicalIds));
    }

    public static OverlayOperation.DeviceAdd deviceAdd(OverlayTarget target, PciItem... devices) {
        return new OverlayOperation.DeviceAdd(target, Arrays.asList(devices));
    }

    /** {@code device-remove} of the given {@code "DDDD:BB:SS.F"} addresses. */
    public static OverlayOperation.DeviceRemove deviceRemove(OverlayTarget target, String... pciIds) {
        List<PciItem> items = new ArrayList<>();
        for (String id : pciIds) {
            items.add(PciItem.of(id));
        }
        return new OverlayOperation.DeviceRemove(target, items);
    }

    private static List<CpuItem> cpuItems(long[] ids) {
        List<CpuItem> out = new ArrayList<>();
        for (long id : ids) {
            out.add(CpuItem.of(id));
        }
        return out;
    }

    /** The overlay tree for {@code operations} run in that order. */
    public static DeviceTree toTree(List<OverlayOperation> operations) {
        return OverlayTransaction.of(operations).toTree();
    }

    /** The overlay tree for {@code operations} with an {@code mk,resources} tag. */
    public static DeviceTree toTree(String resourcesTag, List<OverlayOperation> operations) {
        return new OverlayTransaction(operations, Optional.of(resourcesTag)).toTree();
    }

    /** The operations of a DTBO in the order the kernel runs them. */
    public static List<OverlayOperation> read(DeviceTree tree) throws DeviceTreeException {
        return OverlayTransaction.read(tree).operations();
    }
}
