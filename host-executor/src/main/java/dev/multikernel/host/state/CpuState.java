package dev.multikernel.host.state;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One CPU as the host sees it.
 *
 * @param cpu          the logical CPU number ({@code cpuN})
 * @param apicId       the physical (APIC) id the multikernel interface uses, when known
 * @param numaNode     its NUMA node, when known
 * @param online       whether the host kernel runs on it (pool CPUs are offline on the current
 *                     interface, CPUs lent to instances on RFC v2)
 * @param apicIdSource where {@code apicId} came from; {@link ApicIdSource#NONE} exactly when it is
 *                     unknown
 */
public record CpuState(int cpu, OptionalInt apicId, OptionalInt numaNode, boolean online, ApicIdSource apicIdSource) {

    /** Where mkctl found a CPU's APIC id (docs/mkctl.md, {@code apic_id_source}). */
    public enum ApicIdSource {
        /** The APIC id is not known. */
        NONE,
        /** {@code /proc/cpuinfo}: the CPU is online now. */
        CPUINFO,
        /** mkctl's per-boot CPU map cache: recorded while the CPU was online earlier in this boot. */
        CACHE,
        /** A source this version does not know (reported by a newer mkctl). */
        OTHER
    }

    public CpuState {
        Objects.requireNonNull(apicId, "apicId");
        Objects.requireNonNull(numaNode, "numaNode");
        Objects.requireNonNull(apicIdSource, "apicIdSource");
        if (apicId.isPresent() == (apicIdSource == ApicIdSource.NONE)) {
            throw new IllegalArgumentException("cpu" + cpu + ": apicIdSource " + apicIdSource + " does not fit apicId "
                    + apicId + " (NONE exactly when the APIC id is unknown)");
        }
    }

    /** A CPU whose APIC id, if known, was read from {@code /proc/cpuinfo} (what mkctl reported before the cache). */
    public CpuState(int cpu, OptionalInt apicId, OptionalInt numaNode, boolean online) {
        this(cpu, apicId, numaNode, online, apicId.isPresent() ? ApicIdSource.CPUINFO : ApicIdSource.NONE);
    }
}
