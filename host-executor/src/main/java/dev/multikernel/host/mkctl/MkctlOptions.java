package dev.multikernel.host.mkctl;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of mkctl calls.
 *
 * @param lockTimeout how long mkctl waits for another mkctl's lock on the host (0..3600 s)
 * @param readTimeout time limit of a state read, on top of the lock wait
 * @param uploadTimeout time limit of uploading the binary
 */
public record MkctlOptions(Duration lockTimeout, Duration readTimeout, Duration uploadTimeout) {

    public static final MkctlOptions DEFAULTS =
            new MkctlOptions(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120));

    public MkctlOptions {
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(uploadTimeout, "uploadTimeout");
        if (lockTimeout.isNegative() || lockTimeout.getSeconds() > 3600) {
            throw new IllegalArgumentException("lock timeout must be 0..3600 seconds, got " + lockTimeout);
        }
        if (readTimeout.isNegative() || readTimeout.isZero() || uploadTimeout.isNegative() || uploadTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    public MkctlOptions withLockTimeout(Duration d) {
        return new MkctlOptions(d, readTimeout, uploadTimeout);
    }
}
