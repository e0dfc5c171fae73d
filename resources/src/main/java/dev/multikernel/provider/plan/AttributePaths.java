package dev.multikernel.provider.plan;

import java.util.Objects;

/**
 * The attribute paths a request's problems are reported against, as plain strings. {@link #of}
 * derives the usual ones from a resource address ({@code multikernel_instance.web}).
 */
public record AttributePaths(
        String name,
        String id,
        String cpus,
        String cpuCount,
        String memory,
        String numaNode,
        String devices,
        String boot) {

    public AttributePaths {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cpus, "cpus");
        Objects.requireNonNull(cpuCount, "cpuCount");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(numaNode, "numaNode");
        Objects.requireNonNull(devices, "devices");
        Objects.requireNonNull(boot, "boot");
    }

    /** {@code resource + ".name"}, {@code ".instance_id"}, {@code ".cpus"}, {@code ".cpu_count"}, {@code ".memory"}, ... */
    public static AttributePaths of(String resource) {
        return new AttributePaths(
                resource + ".name",
                resource + ".instance_id",
                resource + ".cpus",
                resource + ".cpu_count",
                resource + ".memory",
                resource + ".numa_node",
                resource + ".devices",
                resource + ".kernel");
    }
}
