package dev.multikernel.provider.plan;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A settled instance: what Terraform state holds for it (every allocation resolved), or what the
 * planner decided for it.
 */
public record InstanceSpec(
        String name,
        OptionalInt id,
        CpuList cpus,
        Optional<ByteSize> memory,
        OptionalInt numaNode,
        List<PciAddress> devices,
        BootSpec boot) {
    public InstanceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cpus, "cpus");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(numaNode, "numaNode");
        devices = List.copyOf(devices);
        Objects.requireNonNull(boot, "boot");
    }
}
