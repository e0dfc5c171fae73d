package dev.multikernel.provider.plan;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.provider.values.CpuList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An instance as it exists on the host now, with what it holds.
 *
 * @param name    its name
 * @param id      its id, when readable
 * @param status  its lifecycle state
 * @param cpus    the logical CPUs it holds
 * @param memory  the memory ranges it holds
 * @param devices the PCI devices lent to it
 */
public record HostInstance(
        String name,
        OptionalInt id,
        InstanceStatus status,
        CpuList cpus,
        List<MemoryChunk> memory,
        List<PciAddress> devices) {
    public HostInstance {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(cpus, "cpus");
        memory = List.copyOf(memory);
        devices = List.copyOf(devices);
    }

    public long memoryBytes() {
        return memory.stream().mapToLong(MemoryChunk::size).sum();
    }
}
