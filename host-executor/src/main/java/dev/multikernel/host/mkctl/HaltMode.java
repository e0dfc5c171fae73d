package dev.multikernel.host.mkctl;

/** How {@code mkctl halt} stops an instance. */
public enum HaltMode {
    /** Ask the instance to shut down; fail with {@link HaltTimeoutException} if it does not in time. */
    GRACEFUL,
    /** Ask first; if that times out, force it ({@code --force}). */
    GRACEFUL_THEN_FORCE,
    /** Force it at once ({@code --force-now}); also works on a loaded, never started instance. */
    FORCE_NOW
}
