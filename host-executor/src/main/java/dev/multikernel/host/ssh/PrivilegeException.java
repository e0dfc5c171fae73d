package dev.multikernel.host.ssh;

/** A command that needs root could not get it: sudo wants a password, the user may not use sudo, or sudo is missing. */
public final class PrivilegeException extends HostException {

    private static final long serialVersionUID = 1L;

    public PrivilegeException(String host, String message) {
        super(host, message, null);
    }

    public PrivilegeException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }
}
