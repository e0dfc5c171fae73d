package dev.multikernel.host.ssh;

import java.time.Duration;

/** A {@link HostTransport} handle on a pooled {@link HostConnection}. */
final class PooledTransport implements HostTransport {

    private final HostConnection connection;

    PooledTransport(HostConnection connection) {
        this.connection = connection;
    }

    @Override
    public ExecResult exec(ExecRequest request) throws HostException {
        return connection.exec(request);
    }

    @Override
    public void upload(byte[] content, String remotePath, int mode, Duration timeout) throws HostException {
        connection.upload(content, remotePath, mode, timeout);
    }

    @Override
    public String describe() {
        return connection.target().describe();
    }

    @Override
    public void close() {
        // the connection belongs to the pool
    }

    @Override
    public String toString() {
        return "PooledTransport[" + describe() + "]";
    }
}
