package dev.multikernel.host.ssh;

/** No SSH session could be set up: name resolution, TCP connect, connect timeout, or the SSH handshake failed. */
public final class HostUnreachableException extends HostException {

    private static final long serialVersionUID = 1L;

    public HostUnreachableException(String host, String message) {
        super(host, message, null);
    }

    public HostUnreachableException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
