package dev.multikernel.provider.plan;

/** How disruptive a planned change to an existing instance is, from least to most. */
public enum ChangeClass {
    /** Nothing to do. */
    NONE,
    /** An overlay on the instance as it runs (current tree only). */
    LIVE,
    /** Halt (if running), unload, load the new image, exec. */
    RESTART,
    /** Remove the instance and create it again. */
    REPLACE
}
