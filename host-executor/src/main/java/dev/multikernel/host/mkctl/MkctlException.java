package dev.multikernel.host.mkctl;

import java.util.List;
import java.util.Optional;

/**
 * mkctl ran on the host and reported a failure, or its answer could not be understood. (Failing
 * to reach the host is a {@link dev.multikernel.host.ssh.HostException} instead.) The message says
 * what failed and what to do; {@link #error()} carries mkctl's error object when there was one.
 */
public abstract sealed class MkctlException extends Exception
        permits KernelRefusedException,
                NotAppliedException,
                HostBusyException,
                HaltTimeoutException,
                MkctlUsageException,
                SimulatorException,
                MkctlProtocolException,
                MkctlDeploymentException {

    private static final long serialVersionUID = 1L;

    private final String host;
    private final transient Optional<MkctlError> error;
    private transient List<MkctlResult> completed = List.of();

    protected MkctlException(String host, String message, Optional<MkctlError> error, Throwable cause) {
        super(message, cause);
        this.host = host;
        this.error = error;
    }

    /** The host, as the transport describes it. */
    public String host() {
        return host;
    }

    /**
     * In a batch: the results of the operations that completed before the failure (they took
     * effect). Empty for a single operation.
     */
    public List<MkctlResult> completed() {
        return completed == null ? List.of() : completed;
    }

    void setCompleted(List<MkctlResult> results) {
        this.completed = List.copyOf(results);
    }

    /** mkctl's error object, when it printed one. */
    public Optional<MkctlError> error() {
        return error == null ? Optional.empty() : error;
    }
}
