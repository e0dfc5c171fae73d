package dev.multikernel.host.devicetree.multikernel;

import java.util.OptionalInt;

/**
 * An existing physical range: {@code memory@N { reg = <addr64 size64>; numa-node-id; mem-type;
 * }} in {@code memory-add} to an instance and {@code memory-remove} anywhere (§2).
 *
 * @param base physical start address
 * @param size length in bytes, non-zero
 * @param numaNode optional {@code numa-node-id}
 * @param memType optional {@code mem-type} (instance {@code memory-add} only)
 */
public record MemoryRange(long base, long size, OptionalInt numaNode, OptionalInt memType) {
    public MemoryRange {
        if (size == 0) {
            throw new IllegalArgumentException("memory range at 0x" + Long.toHexString(base) + " has size 0");
        }
    }

    public static MemoryRange of(long base, long size) {
        return new MemoryRange(base, size, OptionalInt.empty(), OptionalInt.empty());
    }

    public static MemoryRange of(long base, long size, int numaNode) {
        return new MemoryRange(base, size, OptionalInt.of(numaNode), OptionalInt.empty());
    }
}
