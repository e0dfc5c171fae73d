package dev.multikernel.host.mkctl;

import java.util.Optional;

/** Another mkctl held the host's lock for longer than the lock timeout (kind {@code lock_timeout}); nothing was done, so trying again later is safe. */
public final class HostBusyException extends MkctlException {

    private static final long serialVersionUID = 1L;

    public HostBusyException(String host, String message, Optional<MkctlError> error) {
        super(host, message, error, null);
    }

    public HostBusyException(String host, String message, Optional<MkctlError> error, Throwable cause) {
        super(host, message, error, cause);
    }
}
