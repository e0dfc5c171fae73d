package dev.multikernel.host.ssh;

/** The host refused every configured credential; the message lists what was tried. */
public final class AuthenticationFailedException extends HostException {

    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException(String host, String message) {
        super(host, message, null);
    }

    public AuthenticationFailedException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }
}
