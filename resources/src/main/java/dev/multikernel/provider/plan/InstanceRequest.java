package dev.multikernel.provider.plan;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.provider.values.ByteSize;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One desired instance on the host, as configured.
 *
 * @param name     the instance name
 * @param id       the id asked for; empty lets the planner pick the lowest free one
 * @param cpus     explicit CPUs or a count and strategy
 * @param memory   its memory; empty for none
 * @param numaNode the NUMA node its memory must come from
 * @param devices  PCI devices to lend it
 * @param boot     what it boots
 * @param paths    attribute paths for messages
 * @param prior    what Terraform state holds for it (empty on create): auto-allocated CPUs and ids
 *                 recorded there are kept, never reshuffled
 */
public record InstanceRequest(
        String name,
        OptionalInt id,
        CpuRequest cpus,
        Optional<ByteSize> memory,
        OptionalInt numaNode,
        List<PciAddress> devices,
        BootSpec boot,
        AttributePaths paths,
        Optional<InstanceSpec> prior) {
    public InstanceRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cpus, "cpus");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(numaNode, "numaNode");
        devices = List.copyOf(devices);
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(prior, "prior");
    }

    /** A request for {@code name} with paths under {@code multikernel_instance.<name>}, no memory, no devices. */
    public static InstanceRequest of(String name, CpuRequest cpus) {
        return new InstanceRequest(
                name,
                OptionalInt.empty(),
                cpus,
                Optional.empty(),
                OptionalInt.empty(),
                List.of(),
                BootSpec.of("/boot/vmlinuz", ""),
                AttributePaths.of("multikernel_instance." + name),
                Optional.empty());
    }

    public InstanceRequest withId(int newId) {
        return new InstanceRequest(name, OptionalInt.of(newId), cpus, memory, numaNode, devices, boot, paths, prior);
    }

    public InstanceRequest withMemory(ByteSize size) {
        return new InstanceRequest(name, id, cpus, Optional.of(size), numaNode, devices, boot, paths, prior);
    }

    public InstanceRequest withNumaNode(int node) {
        return new InstanceRequest(name, id, cpus, memory, OptionalInt.of(node), devices, boot, paths, prior);
    }

    public InstanceRequest withDevices(List<PciAddress> list) {
        return new InstanceRequest(name, id, cpus, memory, numaNode, list, boot, paths, prior);
    }

    public InstanceRequest withBoot(BootSpec b) {
        return new InstanceRequest(name, id, cpus, memory, numaNode, devices, b, paths, prior);
    }

    public InstanceRequest withPrior(InstanceSpec p) {
        return new InstanceRequest(name, id, cpus, memory, numaNode, devices, boot, paths, Optional.of(p));
    }
}
