package dev.multikernel.sim.kernel;

/**
 * Which multikernel user interface the simulated kernel speaks (reference §0).
 */
public enum InterfaceGeneration {
    /** The current mklinux tree: baseline + overlay transactions, halt (reference §0, "Current"). */
    CURRENT,
    /** The RFC v2 series of 19 Oct 2025: root device_tree creates instances, boot-time pool. */
    RFC_V2
}
