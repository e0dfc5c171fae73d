package dev.multikernel.provider.plan;

import java.util.OptionalInt;

/**
 * A physically contiguous range: a pool chunk, or memory an instance holds.
 *
 * @param base     first byte
 * @param size     length in bytes, positive
 * @param numaNode its NUMA node, when known
 */
public record MemoryChunk(long base, long size, OptionalInt numaNode) {
    public MemoryChunk {
        if (size <= 0) {
            throw new IllegalArgumentException("memory range at 0x" + Long.toHexString(base) + " has size " + size);
        }
    }

    public static MemoryChunk of(long base, long size, int numaNode) {
        return new MemoryChunk(base, size, OptionalInt.of(numaNode));
    }

    public static MemoryChunk of(long base, long size) {
        return new MemoryChunk(base, size, OptionalInt.empty());
    }

    /** One past the last byte. */
    public long end() {
        return base + size;
    }
}
