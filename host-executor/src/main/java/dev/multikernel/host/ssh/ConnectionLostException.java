package dev.multikernel.host.ssh;

/** An established connection broke while a command was running: its outcome is unknown. */
public final class ConnectionLostException extends HostException {

    private static final long serialVersionUID = 1L;

    public ConnectionLostException(String host, String message) {
        super(host, message, null);
    }

    public ConnectionLostException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
