package dev.tfjvm.daemon;

import dev.tfjvm.log.Level;
import dev.tfjvm.log.Log;
import dev.tfjvm.plugin.PluginMain;
import dev.tfjvm.plugin.PluginOptions;
import dev.tfjvm.plugin.PluginServer;
import dev.tfjvm.plugin.PluginStartException;
import dev.tfjvm.spi.Launch;
import dev.tfjvm.spi.Sharing;
import io.grpc.BindableService;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One launch of the provider by Terraform, served by the daemon: its own gRPC server with
 * AutoMTLS for the launch's client certificate, its own provider instance built for the launch's
 * environment and directory, its own call threads (so its logs reach its launcher). Ends on
 * GRPCController.Shutdown or when the launcher's connection closes (Terraform killed it).
 */
final class Session implements SessionLogs.Sink {
    private static final Log LOG = Log.get("daemon");
    private static final AtomicInteger NUMBERS = new AtomicInteger();

    private final SocketChannel channel;
    private final Sharing sharing;
    private final Function<Launch, List<BindableService>> services;
    private final Level daemonThreshold;
    private final int number = NUMBERS.incrementAndGet();
    private final Object writeLock = new Object();
    private volatile Level threshold = Level.WARN;

    Session(
            SocketChannel channel,
            Sharing sharing,
            Function<Launch, List<BindableService>> services,
            Level daemonThreshold) {
        this.channel = channel;
        this.sharing = sharing;
        this.services = services;
        this.daemonThreshold = daemonThreshold;
    }

    @Override
    public Level threshold() {
        return threshold;
    }

    @Override
    public void log(byte[] line) throws IOException {
        send(Frames.LOG, line);
    }

    /** Serves the launch to its end; returns once everything of it is released. */
    void run() {
        Launch launch;
        try {
            launch = launch(Frames.request(Frames.read(channel, Frames.MAX_REQUEST_BYTES)));
        } catch (IOException | InvalidPathException e) {
            LOG.warn("refusing a launch request", "error", e.getMessage());
            fail("the provider daemon could not read the launcher's request (" + e.getMessage() + ")");
            return;
        }
        Optional<String> problem = PluginMain.launchProblem(launch.environment());
        if (problem.isPresent()) {
            fail(problem.get().replace('\n', ' ').trim());
            return;
        }
        threshold = SessionLogs.threshold(launch.environment());
        SessionLogs.open(this, daemonThreshold);
        SessionLogs.enter(this);
        // Never shut down: gRPC hands it clean-up tasks even after the server has terminated.
        // Idle threads end after a few seconds, and with them the last reference to the session.
        ExecutorService calls =
                new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(
                            () -> {
                                SessionLogs.enter(this);
                                r.run();
                            },
                            "tfjvm-session-" + number + "-call");
                    t.setDaemon(true);
                    return t;
                });
        PluginServer server = null;
        try {
            server = PluginServer.start(
                    PluginOptions.fromEnvironment(launch.environment()),
                    () -> services.apply(launch),
                    Optional.of(calls));
            send(Frames.HANDSHAKE, server.handshakeLine().getBytes(StandardCharsets.UTF_8));
            LOG.debug(
                    "session started",
                    "session",
                    number,
                    "directory",
                    launch.workingDirectory().toString());
            watchLauncher(server);
            server.awaitShutdown();
            sendExit(0);
        } catch (PluginStartException e) {
            LOG.error("cannot start the provider", "error", e.getMessage());
            fail(e.getMessage());
        } catch (IOException e) {
            LOG.debug("the launcher went away", "session", number);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            LOG.error("the provider failed", "error", e);
            fail("the provider failed: " + e);
        } finally {
            if (server != null) {
                server.close(); // and the provider made for this session
            }
            SessionLogs.close(this, daemonThreshold);
            SessionLogs.leave();
            closeChannel();
            LOG.debug("session ended", "session", number);
        }
    }

    /** The launcher sends nothing after its request: end of stream means Terraform stopped it. */
    private void watchLauncher(PluginServer server) {
        Thread watcher = new Thread(
                () -> {
                    ByteBuffer one = ByteBuffer.allocate(64);
                    try {
                        while (channel.read(one) >= 0) {
                            one.clear();
                        }
                    } catch (IOException e) {
                        // closed: same as end of stream
                    }
                    server.close();
                },
                "tfjvm-session-" + number + "-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private Launch launch(Frames.Request request) {
        Map<String, String> env = new HashMap<>();
        for (String entry : request.environment()) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return new Launch(env, Path.of(request.workingDirectory()), sharing);
    }

    private void send(byte type, byte[] payload) throws IOException {
        synchronized (writeLock) {
            Frames.write(channel, type, payload);
        }
    }

    private void sendExit(int status) {
        try {
            send(Frames.EXIT, ByteBuffer.allocate(4).putInt(status).array());
        } catch (IOException e) {
            // The launcher is gone already.
        }
    }

    private void fail(String message) {
        try {
            send(Frames.ERROR, message.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // nobody left to tell
        }
        closeChannel();
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing
        }
    }
}
