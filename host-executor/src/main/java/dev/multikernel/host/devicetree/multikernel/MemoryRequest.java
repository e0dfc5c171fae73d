package dev.multikernel.host.devicetree.multikernel;

import java.util.OptionalInt;

/**
 * A request for pool memory by size, where the kernel picks the base: a baseline {@code
 * memory@N} node or a {@code /resources memory-add} item ({@code size = <u64>; numa-node-id =
 * <u32>;}, §2).
 *
 * @param size bytes, non-zero and page aligned
 * @param numaNode NUMA node to allocate from; empty for any node
 */
public record MemoryRequest(long size, OptionalInt numaNode) {
    public MemoryRequest {
        if (size == 0 || !Multikernel.pageAligned(size)) {
            throw new IllegalArgumentException("memory size 0x" + Long.toHexString(size)
                    + " must be non-zero and a multiple of the page size (4096)");
        }
        if (numaNode.isPresent() && numaNode.getAsInt() < 0) {
            throw new IllegalArgumentException("negative NUMA node " + numaNode.getAsInt());
        }
    }

    public static MemoryRequest of(long size) {
        return new MemoryRequest(size, OptionalInt.empty());
    }

    public static MemoryRequest of(long size, int numaNode) {
        return new MemoryRequest(size, OptionalInt.of(numaNode));
    }
}
