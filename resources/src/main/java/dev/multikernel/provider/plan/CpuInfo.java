package dev.multikernel.provider.plan;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One CPU of the host's topology.
 *
 * @param logical  the logical CPU number (what HCL speaks)
 * @param physical the physical (APIC) id the current kernel interface speaks, when known
 * @param numaNode its NUMA node, when known
 */
public record CpuInfo(int logical, OptionalLong physical, OptionalInt numaNode) {
    public static CpuInfo of(int logical, long physical, int numaNode) {
        return new CpuInfo(logical, OptionalLong.of(physical), OptionalInt.of(numaNode));
    }
}
