package dev.multikernel.host.devicetree.multikernel;

import java.util.List;

/**
 * The {@code resources} node of {@code instance-create} (§2): {@code memory-bytes} (u64),
 * {@code cpus} (u64 physical ids), {@code numa-nodes} (u32, optional; the kernel uses only the
 * first entry). A zero {@code memoryBytes} or an empty list leaves the property out.
 */
public record InstanceResources(long memoryBytes, List<Long> cpus, List<Integer> numaNodes) {
    public InstanceResources {
        cpus = List.copyOf(cpus);
        numaNodes = List.copyOf(numaNodes);
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("negative memory-bytes");
        }
    }

    public static InstanceResources of(long memoryBytes, List<Long> cpus) {
        return new InstanceResources(memoryBytes, cpus, List.of());
    }

    public static InstanceResources of(long memoryBytes, List<Long> cpus, int numaNode) {
        return new InstanceResources(memoryBytes, cpus, List.of(numaNode));
    }
}
