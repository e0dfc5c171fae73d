package dev.multikernel.host.mkctl;

import java.util.Optional;

/** mkctl's answer could not be understood (not the JSON of the contract), or mkctl failed internally (kind {@code internal}). */
public final class MkctlProtocolException extends MkctlException {

    private static final long serialVersionUID = 1L;

    public MkctlProtocolException(String host, String message, Optional<MkctlError> error) {
        super(host, message, error, null);
    }

    public MkctlProtocolException(String host, String message, Optional<MkctlError> error, Throwable cause) {
        super(host, message, error, cause);
    }
}
