package dev.multikernel.host.ssh;

/**
 * Reaching a host or running a command there failed before the command could give an answer.
 *
 * <p>None of these means "the object is gone": callers must treat every one as "unknown, try again
 * later", never as a missing resource. Messages say what went wrong and what to do about it.
 */
public abstract sealed class HostException extends Exception
        permits HostUnreachableException,
                HostKeyRejectedException,
                AuthenticationFailedException,
                ConnectionLostException,
                CommandTimeoutException,
                PrivilegeException,
                LocalConfigurationException,
                RemoteCommandException {

    private static final long serialVersionUID = 1L;

    private final String host;

    protected HostException(String host, String message, Throwable cause) {
        super(message, cause);
        this.host = host;
    }

    /** The host as the transport describes it ({@code user@host:port}). */
    public String host() {
        return host;
    }

    /**
     * Whether the same request may succeed if sent again unchanged (the network or the host hiccuped).
     * Only reads are ever retried automatically.
     */
    public boolean isTransient() {
        return false;
    }
}
