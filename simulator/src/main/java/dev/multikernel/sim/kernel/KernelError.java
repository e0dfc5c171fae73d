package dev.multikernel.sim.kernel;

import java.util.Objects;

/**
 * A system call of the simulated kernel failed: the call returned {@code -errno()}.
 * The message says why, in the words the kernel would log (or ours where it logs nothing).
 */
public final class KernelError extends Exception {
    private static final long serialVersionUID = 1L;
    private final Errno errno;

    public KernelError(Errno errno, String message) {
        super(errno.name() + ": " + Objects.requireNonNull(message, "message"));
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }

    /** The message without the errno prefix. */
    public String reason() {
        String m = getMessage();
        int colon = m.indexOf(": ");
        return colon < 0 ? m : m.substring(colon + 2);
    }
}
