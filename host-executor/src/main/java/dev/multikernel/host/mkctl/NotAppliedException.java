package dev.multikernel.host.mkctl;

import java.util.Optional;

/** The kernel accepted a write but the change did not take effect (kind {@code not_applied}): a failed overlay transaction, a missing RFC v2 instance, an instance left failed by a halt. */
public final class NotAppliedException extends MkctlException {

    private static final long serialVersionUID = 1L;

    public NotAppliedException(String host, String message, Optional<MkctlError> error) {
        super(host, message, error, null);
    }

    public NotAppliedException(String host, String message, Optional<MkctlError> error, Throwable cause) {
        super(host, message, error, cause);
    }
}
