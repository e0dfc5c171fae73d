package dev.multikernel.host.mkctl;

import java.util.Optional;

/** mkctl could not be put on the host or found there, or the copy there is not the expected one. */
public final class MkctlDeploymentException extends MkctlException {

    private static final long serialVersionUID = 1L;

    public MkctlDeploymentException(String host, String message, Optional<MkctlError> error) {
        super(host, message, error, null);
    }

    public MkctlDeploymentException(String host, String message, Optional<MkctlError> error, Throwable cause) {
        super(host, message, error, cause);
    }
}
