package dev.multikernel.host.state;

import java.util.OptionalInt;

/**
 * One CPU as the host sees it.
 *
 * @param cpu      the logical CPU number ({@code cpuN})
 * @param apicId   the physical (APIC) id the multikernel interface uses, when known
 * @param numaNode its NUMA node, when known
 * @param online   whether the host kernel runs on it (CPUs lent to instances are offline on RFC v2)
 */
public record CpuState(int cpu, OptionalInt apicId, OptionalInt numaNode, boolean online) {
}
