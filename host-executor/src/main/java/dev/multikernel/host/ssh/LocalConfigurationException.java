package dev.multikernel.host.ssh;

/** The local side is misconfigured: a key file is missing or unreadable, a passphrase is wrong, the agent socket is absent, an ssh config file is invalid. */
public final class LocalConfigurationException extends HostException {

    private static final long serialVersionUID = 1L;

    public LocalConfigurationException(String host, String message) {
        super(host, message, null);
    }

    public LocalConfigurationException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }
}
