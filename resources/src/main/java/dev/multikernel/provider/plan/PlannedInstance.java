package dev.multikernel.provider.plan;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the planner decided for one requested instance.
 *
 * @param name           its name
 * @param id             its id (asked for, kept from state or from the host, or the lowest free)
 * @param cpus           its logical CPUs
 * @param physicalCpuIds the same CPUs as the kernel names them (APIC ids on the current tree,
 *                       logical numbers on RFC v2), ascending by logical number; empty if unknown
 * @param memory         its memory
 * @param numaNode       the node its memory comes from, when asked for
 * @param devices        its PCI devices
 * @param change         the class of the update when state already held it
 */
public record PlannedInstance(
        String name,
        OptionalInt id,
        CpuList cpus,
        List<Long> physicalCpuIds,
        Optional<ByteSize> memory,
        OptionalInt numaNode,
        List<PciAddress> devices,
        Optional<ChangeDecision> change) {
    public PlannedInstance {
        physicalCpuIds = List.copyOf(physicalCpuIds);
        devices = List.copyOf(devices);
    }
}
