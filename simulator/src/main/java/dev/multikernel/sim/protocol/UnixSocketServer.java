package dev.multikernel.sim.protocol;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A unix-domain stream socket served one thread per connection, with a bound on connections at
 * once. The simulator's kernel socket and its admin socket both run on it; each brings its own
 * way of serving a connection and of turning one away when too many are open.
 */
public final class UnixSocketServer implements AutoCloseable {
    /** Serves, or turns away, one accepted connection. The server closes the channel afterwards. */
    @FunctionalInterface
    public interface ConnectionHandler {
        void handle(SocketChannel client) throws IOException;
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final String name;
    private final int maxConnections;
    private final Duration closeGrace;
    private final ConnectionHandler serve;
    private final ConnectionHandler turnAway;
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threadCounter = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private UnixSocketServer(
            Path path,
            ServerSocketChannel server,
            String name,
            int maxConnections,
            Duration closeGrace,
            ConnectionHandler serve,
            ConnectionHandler turnAway) {
        this.path = path;
        this.server = server;
        this.name = name;
        this.maxConnections = maxConnections;
        this.closeGrace = closeGrace;
        this.serve = serve;
        this.turnAway = turnAway;
        this.acceptor = new Thread(this::acceptLoop, name + "-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds {@code path} (which must not exist: the caller decides what to do with a leftover
     * file), applies {@code permissions} before the first connection is accepted, and starts
     * serving. {@code closeGrace} is how long {@link #close()} lets connections in progress finish.
     */
    public static UnixSocketServer start(
            Path path,
            String name,
            int maxConnections,
            Duration closeGrace,
            Optional<Set<PosixFilePermission>> permissions,
            ConnectionHandler serve,
            ConnectionHandler turnAway)
            throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path));
            if (permissions.isPresent()) {
                Files.setPosixFilePermissions(path, permissions.get());
            }
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot create the socket " + path + ": " + e.getMessage(), e);
        }
        UnixSocketServer s = new UnixSocketServer(path, ch, name, maxConnections, closeGrace, serve, turnAway);
        s.acceptor.start();
        return s;
    }

    public Path path() {
        return path;
    }

    public boolean isClosed() {
        return closed;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (clients.size() >= maxConnections) {
                run(client, turnAway);
                continue;
            }
            clients.add(client);
            Thread t = new Thread(
                    () -> {
                        try {
                            run(client, serve);
                        } finally {
                            clients.remove(client);
                        }
                    },
                    name + "-conn-" + threadCounter.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    private static void run(SocketChannel client, ConnectionHandler handler) {
        try (client) {
            handler.handle(client);
        } catch (IOException e) {
            // the peer went away mid-request or mid-reply: drop it, keep serving the others
        }
    }

    /**
     * Stops accepting, lets connections in progress finish for the grace period, closes what is
     * still open, and removes the socket file.
     */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        long deadline = System.nanoTime() + closeGrace.toNanos();
        while (!clients.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (SocketChannel c : clients) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover socket file is replaced by the next start
        }
    }
}
