package dev.tfjvm.daemon;

import dev.tfjvm.log.Level;
import dev.tfjvm.log.Log;
import dev.tfjvm.log.LogThreshold;
import dev.tfjvm.spi.Launch;
import dev.tfjvm.spi.Sharing;
import io.grpc.BindableService;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The provider daemon: one JVM per user, provider jar and Java runtime (the launcher names the
 * socket after all three), serving every launch Terraform makes as an isolated {@link Session}.
 * Listens only on its unix socket, in a directory only its user can enter, and serves only
 * peers of its own uid. Exits after {@code idle} without sessions, and stops taking launches at
 * once when its jar is replaced (a rebuilt provider gets a daemon of its own); running sessions
 * finish first.
 */
public final class Daemon {
    private static final Log LOG = Log.get("daemon");
    /** How often the idle and jar checks run. */
    private static final long TICK_MILLIS = 500;
    /** Environment variable of the daemon's idle time (a Go duration such as 10m, or seconds). */
    public static final String ENV_IDLE = "TF_JVM_DAEMON_IDLE";

    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);

    /**
     * How to run.
     *
     * @param socket the unix socket path the launcher chose
     * @param idle   exit after this long without a session
     * @param jar    the provider jar, watched for replacement (empty when not run from a jar)
     */
    public record Settings(Path socket, Duration idle, Optional<Path> jar) {
        public Settings {
            Objects.requireNonNull(socket, "socket");
            Objects.requireNonNull(idle, "idle");
            Objects.requireNonNull(jar, "jar");
        }

        /** Settings from the daemon's environment (set by the launcher that started it). */
        public static Settings of(Path socket, Map<String, String> env, Optional<Path> jar) {
            return new Settings(
                    socket, IdleTime.parse(env.getOrDefault(ENV_IDLE, "")).orElse(DEFAULT_IDLE), jar);
        }
    }

    private final Settings settings;
    private final Function<Launch, List<BindableService>> services;
    private final Sharing.Store store = new Sharing.Store();
    private final Level daemonThreshold;
    private final Object lock = new Object();
    private int sessions;
    private long idleSince = System.nanoTime();
    private boolean draining;
    private ServerSocketChannel listener;
    /** Held while this daemon serves the socket name; a second daemon for it exits at once. */
    private FileLock nameLock;

    private Daemon(Settings settings, Function<Launch, List<BindableService>> services, Level daemonThreshold) {
        this.settings = settings;
        this.services = services;
        this.daemonThreshold = daemonThreshold;
    }

    /**
     * Serves until idle or replaced; returns the exit status (0 also when another daemon for the
     * same socket is already starting: the launcher then connects to that one).
     */
    public static int serve(Settings settings, Function<Launch, List<BindableService>> services)
            throws IOException, InterruptedException {
        // The daemon's own log file records its life (starts, sessions, exits) at info.
        Map<String, String> env = System.getenv();
        Level threshold = env.containsKey("TF_LOG") || env.containsKey("TF_LOG_PROVIDER")
                ? LogThreshold.fromEnvironment(env)
                : Level.INFO;
        SessionLogs.install(threshold);
        java.io.PrintStream stderr = SessionLogs.stderr();
        System.setErr(stderr);
        System.setOut(stderr);
        dev.tfjvm.log.JulBridge.install();
        return new Daemon(settings, services, threshold).run();
    }

    private int run() throws IOException, InterruptedException {
        Path socket = settings.socket().toAbsolutePath();
        SocketDirectory.check(socket.getParent());
        // Created before any session runs, so its threads carry no session (see SessionLogs).
        ForkJoinPool.commonPool().submit(() -> {}).join();
        Path lockFile = socket.resolveSibling(socket.getFileName() + ".lock");
        FileChannel lockChannel = FileChannel.open(
                lockFile,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(
                        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        try {
            nameLock = lockChannel.tryLock();
            if (nameLock == null) {
                LOG.info("another daemon serves this socket; exiting", "socket", socket.toString());
                return 0;
            }
            Optional<JarStamp> jarAtStart = settings.jar().flatMap(JarStamp::of);
            Files.deleteIfExists(socket);
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(
                    socket, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            Object socketKey = fileKey(socket);
            LOG.info(
                    "provider daemon listening",
                    "socket",
                    socket.toString(),
                    "pid",
                    ProcessHandle.current().pid(),
                    "idle",
                    settings.idle().toString());
            Thread acceptor = new Thread(this::acceptLoop, "tfjvm-daemon-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            while (true) {
                Thread.sleep(TICK_MILLIS);
                synchronized (lock) {
                    if (!draining
                            && jarAtStart.isPresent()
                            && !jarAtStart.equals(settings.jar().flatMap(JarStamp::of))) {
                        LOG.info(
                                "the provider jar was replaced; taking no more launches",
                                "jar",
                                settings.jar().get().toString(),
                                "sessions",
                                sessions);
                        stopListening(socket, true);
                    }
                    if (!draining && !Objects.equals(socketKey, fileKey(socket))) {
                        // Removing the socket is how a user (or a test) stops the daemon.
                        LOG.info("the daemon socket was removed; taking no more launches", "socket", socket.toString());
                        stopListening(socket, false);
                    }
                    if (draining && sessions == 0) {
                        break;
                    }
                    if (sessions == 0
                            && System.nanoTime() - idleSince >= settings.idle().toNanos()) {
                        LOG.info(
                                "provider daemon idle; exiting",
                                "idle",
                                settings.idle().toString());
                        stopListening(socket, true);
                        break;
                    }
                }
            }
        } finally {
            store.close();
            lockChannel.close();
        }
        return 0;
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(
                            file, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (IOException e) {
            return "gone";
        }
    }

    /**
     * Called with {@link #lock} held: no new session can start after this, and the socket name is
     * free for a new daemon at once (running sessions finish here meanwhile).
     */
    private void stopListening(Path socket, boolean removeSocket) {
        draining = true;
        try {
            if (removeSocket && Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(socket);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the daemon socket", "socket", socket.toString(), "error", e.getMessage());
        }
        try {
            listener.close();
            nameLock.release();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("accept failed", "error", e.getMessage());
                continue;
            }
            if (!PeerCheck.sameUser(channel)) {
                closeQuietly(channel);
                continue;
            }
            synchronized (lock) {
                if (draining) {
                    closeQuietly(channel);
                    continue;
                }
                sessions++;
                LOG.info("session started", "sessions", sessions);
            }
            Session session = new Session(channel, sharing(), services, daemonThreshold);
            Thread t = new Thread(
                    () -> {
                        try {
                            session.run();
                        } finally {
                            synchronized (lock) {
                                sessions--;
                                idleSince = System.nanoTime();
                                LOG.info("session ended", "sessions", sessions);
                            }
                        }
                    },
                    "tfjvm-session");
            t.setDaemon(true);
            t.start();
        }
    }

    /** The daemon's store, with shared objects created outside any session. */
    private Sharing sharing() {
        return new Sharing() {
            @Override
            public <T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<? extends T> create) {
                return SessionLogs.outside(() -> store.shared(key, type, create));
            }
        };
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // refused anyway
        }
    }

    /** What identifies one build of the jar: replacing or rewriting it changes one of these. */
    private record JarStamp(Object fileKey, long size, long modifiedMillis) {
        static Optional<JarStamp> of(Path jar) {
            try {
                var a = Files.readAttributes(jar, java.nio.file.attribute.BasicFileAttributes.class);
                return Optional.of(
                        new JarStamp(a.fileKey(), a.size(), a.lastModifiedTime().toMillis()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }
}
