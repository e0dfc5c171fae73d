package dev.multikernel.host.mkctl;

import java.util.Optional;

/** mkctl is in sim mode and the simulator refused or is unreachable (kind {@code sim}). */
public final class SimulatorException extends MkctlException {

    private static final long serialVersionUID = 1L;

    public SimulatorException(String host, String message, Optional<MkctlError> error) {
        super(host, message, error, null);
    }

    public SimulatorException(String host, String message, Optional<MkctlError> error, Throwable cause) {
        super(host, message, error, cause);
    }
}
