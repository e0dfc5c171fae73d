package dev.multikernel.provider.plan;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One CPU of the host's {@link CpuTopology}.
 *
 * @param logical  the logical CPU number (what HCL speaks)
 * @param physical the physical (APIC) id the current kernel interface speaks, when known
 * @param numaNode its NUMA node, when known
 * @param online   whether the host reports it online
 */
public record CpuInfo(int logical, OptionalLong physical, OptionalInt numaNode, boolean online) {
    /** An online CPU. */
    public CpuInfo(int logical, OptionalLong physical, OptionalInt numaNode) {
        this(logical, physical, numaNode, true);
    }

    public static CpuInfo of(int logical, long physical, int numaNode) {
        return new CpuInfo(logical, OptionalLong.of(physical), OptionalInt.of(numaNode));
    }
}
