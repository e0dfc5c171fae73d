package dev.multikernel.host.ssh;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link HostTransport} handle on a pooled {@link HostConnection}. */
final class PooledTransport implements HostTransport {

    private final HostConnection connection;
    /** Line channels opened through this handle: closed with it. */
    private final Set<LineChannel> channels = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

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
    public Optional<LineChannel> openChannel(ExecRequest request) throws HostException {
        if (closed) {
            return Optional.empty(); // a closed handle keeps no command open (commands still run)
        }
        LineChannel channel = connection.openChannel(request);
        channels.add(channel);
        channels.removeIf(c -> !c.isOpen() && c != channel);
        if (closed) {
            close();
        }
        return Optional.of(channel);
    }

    @Override
    public String describe() {
        return connection.target().describe();
    }

    @Override
    public void close() {
        // the connection belongs to the pool; the line channels opened through this handle do not
        closed = true;
        channels.forEach(LineChannel::close);
        channels.clear();
    }

    @Override
    public String toString() {
        return "PooledTransport[" + describe() + "]";
    }
}
