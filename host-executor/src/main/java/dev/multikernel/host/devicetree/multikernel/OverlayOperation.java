package dev.multikernel.host.devicetree.multikernel;

import java.util.List;
import java.util.OptionalInt;

/**
 * One operation of a current-tree overlay transaction: an operation node under a fragment's
 * {@code __overlay__} (kernel-interface.md §2 "Operations"). Each operation carries its target.
 */
public sealed interface OverlayOperation {

    /** Where the operation applies; decides the fragment's {@code target-path}. */
    OverlayTarget target();

    /** The operation node's name under {@code __overlay__}, e.g. {@code cpu-add}. */
    String nodeName();

    /**
     * {@code instance-create} under {@code /instances}: {@code instance-name}, optional u32 {@code
     * id} (the kernel allocates the lowest free id from 1 when absent), {@code resources {
     * memory-bytes <u64>; cpus <u64 physical ids>; numa-nodes <u32...> }} (only the first NUMA
     * node is used by the kernel).
     */
    record InstanceCreate(String name, OptionalInt id, InstanceResources resources) implements OverlayOperation {
        public InstanceCreate {
            InstanceNames.check(name);
            java.util.Objects.requireNonNull(resources, "resources");
        }

        @Override
        public OverlayTarget target() {
            return OverlayTarget.INSTANCES;
        }

        @Override
        public String nodeName() {
            return "instance-create";
        }
    }

    /** {@code instance-remove { instance-name; }} under {@code /instances}. */
    record InstanceRemove(String name) implements OverlayOperation {
        public InstanceRemove {
            InstanceNames.check(name);
        }

        @Override
        public OverlayTarget target() {
            return OverlayTarget.INSTANCES;
        }

        @Override
        public String nodeName() {
            return "instance-remove";
        }
    }

    /** {@code memory-add} under {@code /resources}: grow the pool by chunks of a size. */
    record PoolMemoryAdd(List<MemoryRequest> chunks) implements OverlayOperation {
        public PoolMemoryAdd {
            chunks = List.copyOf(chunks);
        }

        @Override
        public OverlayTarget target() {
            return OverlayTarget.POOL;
        }

        @Override
        public String nodeName() {
            return "memory-add";
        }
    }

    /** {@code memory-add} under {@code /instances/<name>}: give existing pool ranges. */
    record InstanceMemoryAdd(String instance, List<MemoryRange> ranges) implements OverlayOperation {
        public InstanceMemoryAdd {
            InstanceNames.check(instance);
            ranges = List.copyOf(ranges);
        }

        @Override
        public OverlayTarget target() {
            return OverlayTarget.instance(instance);
        }

        @Override
        public String nodeName() {
            return "memory-add";
        }
    }

    /**
     * {@code memory-remove} under {@code /resources} (each range must be a whole pool chunk as
     * read back) or {@code /instances/<name>}.
     */
    record MemoryRemove(OverlayTarget target, List<MemoryRange> ranges) implements OverlayOperation {
        public MemoryRemove {
            requirePoolOrInstance(target, "memory-remove");
            ranges = List.copyOf(ranges);
            if (target instanceof OverlayTarget.Pool) {
                for (MemoryRange r : ranges) {
                    if (r.memType().isPresent()) {
                        throw new IllegalArgumentException("memory-remove items carry only reg");
                    }
                }
            }
        }

        @Override
        public String nodeName() {
            return "memory-remove";
        }
    }

    /** {@code cpu-add}: host CPU into the pool, or free pool CPU to an instance. */
    record CpuAdd(OverlayTarget target, List<CpuItem> cpus) implements OverlayOperation {
        public CpuAdd {
            requirePoolOrInstance(target, "cpu-add");
            cpus = List.copyOf(cpus);
        }

        @Override
        public String nodeName() {
            return "cpu-add";
        }
    }

    /** {@code cpu-remove}: free pool CPU back to the host, or instance CPU back to the pool. */
    record CpuRemove(OverlayTarget target, List<CpuItem> cpus) implements OverlayOperation {
        public CpuRemove {
            requirePoolOrInstance(target, "cpu-remove");
            cpus = List.copyOf(cpus);
        }

        @Override
        public String nodeName() {
            return "cpu-remove";
        }
    }

    /**
     * {@code device-add}: host PCI device into the pool ({@code alias} allowed) or free pool
     * device to an instance ({@code driver} allowed).
     */
    record DeviceAdd(OverlayTarget target, List<PciItem> devices) implements OverlayOperation {
        public DeviceAdd {
            requirePoolOrInstance(target, "device-add");
            devices = List.copyOf(devices);
            for (PciItem d : devices) {
                if (target instanceof OverlayTarget.Pool && d.driver().isPresent()) {
                    throw new IllegalArgumentException("device-add to the pool: \"driver\" is only for"
                            + " device-add to an instance (" + d.pciId() + ")");
                }
                if (target instanceof OverlayTarget.Instance && d.alias().isPresent()) {
                    throw new IllegalArgumentException("device-add to an instance: \"alias\" is only for"
                            + " device-add to the pool (" + d.pciId() + ")");
                }
            }
        }

        @Override
        public String nodeName() {
            return "device-add";
        }
    }

    /** {@code device-remove}: pool device back to the host, or instance device to the pool. */
    record DeviceRemove(OverlayTarget target, List<PciItem> devices) implements OverlayOperation {
        public DeviceRemove {
            requirePoolOrInstance(target, "device-remove");
            devices = List.copyOf(devices);
            for (PciItem d : devices) {
                if (d.alias().isPresent() || d.driver().isPresent()) {
                    throw new IllegalArgumentException(
                            "device-remove items carry only pci-id and flags (" + d.pciId() + ")");
                }
            }
        }

        @Override
        public String nodeName() {
            return "device-remove";
        }
    }

    private static void requirePoolOrInstance(OverlayTarget target, String op) {
        if (target instanceof OverlayTarget.Instances) {
            throw new IllegalArgumentException(op + " targets /resources or /instances/<name>," + " not /instances");
        }
    }
}
