package dev.multikernel.host.devicetree.multikernel;

import dev.multikernel.host.devicetree.DeviceTreeException;

/**
 * The {@code target-path} of a multikernel overlay fragment; the kernel accepts exactly these
 * three (§2 "Overlay (DTBO) format").
 */
public sealed interface OverlayTarget {
    /** The path written to {@code target-path}. */
    String path();

    /** {@code /resources}: the pool. */
    record Pool() implements OverlayTarget {
        @Override
        public String path() {
            return Multikernel.RESOURCES_PATH;
        }
    }

    /** {@code /instances}: create and remove instances. */
    record Instances() implements OverlayTarget {
        @Override
        public String path() {
            return Multikernel.INSTANCES_PATH;
        }
    }

    /** {@code /instances/<name>}: an existing instance. */
    record Instance(String name) implements OverlayTarget {
        public Instance {
            InstanceNames.check(name);
        }

        @Override
        public String path() {
            return Multikernel.INSTANCES_PATH + "/" + name;
        }
    }

    OverlayTarget POOL = new Pool();
    OverlayTarget INSTANCES = new Instances();

    static OverlayTarget instance(String name) {
        return new Instance(name);
    }

    /**
     * The target for a {@code target-path} value.
     *
     * @throws DeviceTreeException for any other path (the kernel answers {@code -EINVAL})
     */
    static OverlayTarget parse(String path) throws DeviceTreeException {
        if (path.equals(Multikernel.RESOURCES_PATH)) {
            return POOL;
        }
        if (path.equals(Multikernel.INSTANCES_PATH)) {
            return INSTANCES;
        }
        String prefix = Multikernel.INSTANCES_PATH + "/";
        if (path.startsWith(prefix)) {
            String name = path.substring(prefix.length());
            String problem = InstanceNames.problem(name);
            if (problem == null) {
                return new Instance(name);
            }
            throw new DeviceTreeException("target-path \"" + path + "\": " + problem);
        }
        throw new DeviceTreeException("target-path \"" + path + "\" is not /resources, /instances"
                + " or /instances/<name> (the kernel rejects it with EINVAL)");
    }
}
