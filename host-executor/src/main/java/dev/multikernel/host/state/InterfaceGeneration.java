package dev.multikernel.host.state;

/** Which multikernel kernel interface a host speaks, as {@code mkctl state} detected it. */
public enum InterfaceGeneration {
    /** {@code /sys/fs/multikernel} does not exist: the kernel has no multikernel support. */
    NONE("none"),
    /** The directory exists but the filesystem is not mounted, so the generation cannot be told yet. */
    UNKNOWN("unknown"),
    /** The current tree: baseline, overlay transactions, halt. */
    CURRENT("current"),
    /** The RFC v2 interface: instances created by writing the root device tree. */
    RFC_V2("rfc-v2");

    private final String wireName;

    InterfaceGeneration(String wireName) {
        this.wireName = wireName;
    }

    /** The name mkctl prints. */
    public String wireName() {
        return wireName;
    }

    /** @return the generation named {@code name} by mkctl, if it is one */
    public static java.util.Optional<InterfaceGeneration> fromWire(String name) {
        for (InterfaceGeneration g : values()) {
            if (g.wireName.equals(name)) {
                return java.util.Optional.of(g);
            }
        }
        return java.util.Optional.empty();
    }
}
