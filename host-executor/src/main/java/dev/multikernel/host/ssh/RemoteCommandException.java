package dev.multikernel.host.ssh;

/** The host answered, but not acceptably: more output than the limit, or a helper command of the transport itself (an upload) failed. */
public final class RemoteCommandException extends HostException {

    private static final long serialVersionUID = 1L;

    public RemoteCommandException(String host, String message) {
        super(host, message, null);
    }

    public RemoteCommandException(String host, String message, Throwable cause) {
        super(host, message, cause);
    }
}
