package dev.multikernel.host.devicetree.multikernel;

import java.util.OptionalInt;

/**
 * One {@code cpu@N} item of {@code cpu-add}/{@code cpu-remove}: {@code reg} = physical CPU id
 * (x86 APIC id; written as u64, read as u64 or one u32 cell), optional {@code numa-node-id} and
 * {@code flags} (§2).
 */
public record CpuItem(long physicalId, OptionalInt numaNode, OptionalInt flags) {
    public CpuItem {
        if (physicalId < 0) {
            throw new IllegalArgumentException("negative physical CPU id " + physicalId);
        }
    }

    public static CpuItem of(long physicalId) {
        return new CpuItem(physicalId, OptionalInt.empty(), OptionalInt.empty());
    }

    public static CpuItem of(long physicalId, int numaNode) {
        return new CpuItem(physicalId, OptionalInt.of(numaNode), OptionalInt.empty());
    }
}
