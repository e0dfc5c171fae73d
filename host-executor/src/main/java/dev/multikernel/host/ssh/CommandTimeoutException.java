package dev.multikernel.host.ssh;

import java.time.Duration;

/**
 * A command did not finish within its timeout. It is a failure, never a success: the command may
 * still be running, so the outcome of a mutation is unknown until the host is read again.
 */
public final class CommandTimeoutException extends HostException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;
    private final boolean started;

    /**
     * @param started whether the command was sent to the host (false: the time ran out while waiting
     *                for the connection or for other operations on the host)
     */
    public CommandTimeoutException(String host, String message, Duration timeout, boolean started) {
        super(host, message, null);
        this.timeout = timeout;
        this.started = started;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Whether the command reached the host; if so its effects are unknown. */
    public boolean started() {
        return started;
    }
}
