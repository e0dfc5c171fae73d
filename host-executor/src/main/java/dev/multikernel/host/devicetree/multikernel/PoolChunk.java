package dev.multikernel.host.devicetree.multikernel;

import java.util.OptionalInt;

/**
 * One pool chunk as the pool read-back shows it: {@code memory@<base> { device_type = "memory";
 * reg = <base64 size64>; numa-node-id; }} (§2). Its base and size are what a {@code /resources
 * memory-remove} must name.
 */
public record PoolChunk(long base, long size, OptionalInt numaNode) {
    public PoolChunk {
        if (size == 0) {
            throw new IllegalArgumentException("pool chunk at 0x" + Long.toHexString(base) + " has size 0");
        }
    }

    public static PoolChunk of(long base, long size, int numaNode) {
        return new PoolChunk(base, size, OptionalInt.of(numaNode));
    }

    /** The same range as an overlay {@code memory-remove} item. */
    public MemoryRange asRange() {
        return new MemoryRange(base, size, OptionalInt.empty(), OptionalInt.empty());
    }
}
