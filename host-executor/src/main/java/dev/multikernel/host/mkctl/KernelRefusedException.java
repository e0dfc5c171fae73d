package dev.multikernel.host.mkctl;

import java.util.Optional;

/** The kernel or the OS refused a call (kind {@code os} or {@code short_write}); {@link #errno()} says why. */
public final class KernelRefusedException extends MkctlException {

    private static final long serialVersionUID = 1L;

    public KernelRefusedException(String host, String message, Optional<MkctlError> error) {
        super(host, message, error, null);
    }

    public KernelRefusedException(String host, String message, Optional<MkctlError> error, Throwable cause) {
        super(host, message, error, cause);
    }

    /** The errno the kernel returned, when known. */
    public Optional<Errno> errno() {
        return error().flatMap(MkctlError::errno);
    }
}
