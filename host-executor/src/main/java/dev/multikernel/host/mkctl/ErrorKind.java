package dev.multikernel.host.mkctl;

import java.util.Optional;

/** The {@code kind} of an mkctl error (docs/mkctl.md, "Exit codes and the error object"). */
public enum ErrorKind {
    /** The kernel or the OS refused a call (exit 1). */
    OS("os", 1),
    /** {@code write()} took fewer bytes than the blob (exit 1). */
    SHORT_WRITE("short_write", 1),
    /** Bad command line or stdin; nothing was done (exit 2). */
    USAGE("usage", 2),
    /** Another mkctl held the lock too long; nothing was done (exit 3). */
    LOCK_TIMEOUT("lock_timeout", 3),
    /** A graceful halt did not finish in time (exit 4). */
    HALT_TIMEOUT("halt_timeout", 4),
    /** The kernel accepted the write but the change did not take effect (exit 5). */
    NOT_APPLIED("not_applied", 5),
    /** Sim mode refused, or the simulator is unreachable (exit 6). */
    SIM("sim", 6),
    /** mkctl itself failed (exit 7). */
    INTERNAL("internal", 7);

    private final String wireName;
    private final int exitCode;

    ErrorKind(String wireName, int exitCode) {
        this.wireName = wireName;
        this.exitCode = exitCode;
    }

    public String wireName() {
        return wireName;
    }

    public int exitCode() {
        return exitCode;
    }

    public static Optional<ErrorKind> fromWire(String name) {
        for (ErrorKind k : values()) {
            if (k.wireName.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
