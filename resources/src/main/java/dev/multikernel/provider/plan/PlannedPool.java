package dev.multikernel.provider.plan;

import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.provider.values.CpuList;
import java.util.List;
import java.util.Objects;

/**
 * A pool as a {@code multikernel_pool} plan will leave it: what instances planned in the same run
 * may use, before the pool exists or while it changes.
 *
 * @param cpus    the pool's CPUs, logical numbers
 * @param memory  its memory chunks (size and NUMA node; the kernel picks the addresses)
 * @param devices its PCI devices
 */
public record PlannedPool(CpuList cpus, List<MemoryRequest> memory, List<PciAddress> devices) {
    public PlannedPool {
        Objects.requireNonNull(cpus, "cpus");
        memory = List.copyOf(memory);
        devices = List.copyOf(devices);
    }
}
