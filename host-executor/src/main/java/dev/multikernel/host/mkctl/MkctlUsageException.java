package dev.multikernel.host.mkctl;

import java.util.Optional;

/** mkctl refused the request as malformed (kind {@code usage}); nothing was done. This is a bug in the client or a contract mismatch. */
public final class MkctlUsageException extends MkctlException {

    private static final long serialVersionUID = 1L;

    public MkctlUsageException(String host, String message, Optional<MkctlError> error) {
        super(host, message, error, null);
    }

    public MkctlUsageException(String host, String message, Optional<MkctlError> error, Throwable cause) {
        super(host, message, error, cause);
    }
}
