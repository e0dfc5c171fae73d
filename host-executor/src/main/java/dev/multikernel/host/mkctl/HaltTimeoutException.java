package dev.multikernel.host.mkctl;

import java.util.Optional;

/** A graceful halt did not finish in time and no force was asked for (kind {@code halt_timeout}). */
public final class HaltTimeoutException extends MkctlException {

    private static final long serialVersionUID = 1L;

    public HaltTimeoutException(String host, String message, Optional<MkctlError> error) {
        super(host, message, error, null);
    }

    public HaltTimeoutException(String host, String message, Optional<MkctlError> error, Throwable cause) {
        super(host, message, error, cause);
    }
}
