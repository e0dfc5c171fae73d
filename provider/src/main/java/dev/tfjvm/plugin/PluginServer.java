package dev.tfjvm.plugin;

import dev.tfjvm.log.Log;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The go-plugin side of a Terraform provider process: a gRPC server on 127.0.0.1 serving the
 * provider's services plus {@code grpc.health.v1.Health} ("plugin" and "" SERVING) and
 * {@code plugin.GRPCController} (Shutdown stops the server; {@link #awaitShutdown()} returns),
 * with idle {@code plugin.GRPCStdio} and {@code plugin.GRPCBroker} so the client logs no warnings.
 *
 * <p>With {@link TransportSecurity.AutoMtls} it serves TLS 1.2+/ALPN h2 with a fresh
 * self-signed certificate, requires the client certificate from {@code PLUGIN_CLIENT_CERT} and
 * uses the JDK TLS provider (BoringSSL rejects go-plugin's P-521 client certificates); see {@link ServerTls}.
 */
public final class PluginServer implements AutoCloseable {
    private static final Log LOG = Log.get("plugin");
    /** terraform-plugin-go's limit; grpc-java's default of 4 MiB is too small for big schemas or states. */
    static final int MAX_MESSAGE_BYTES = 256 << 20;
    /** How long a stopping server lets in-flight calls finish before cancelling them. */
    private static final long STOP_GRACE_MILLIS = 500;

    private final Server server;
    private final EventLoopGroup eventLoops;
    private final HealthStatusManager health;
    private final GoPluginServices goPlugin;
    private final Optional<ServerCertificate> certificate;
    private final InetSocketAddress address;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The services made for this server, closed by {@link #close} once it has stopped. */
    private final List<BindableService> provided;

    private boolean providedClosed; // guarded by provided

    private PluginServer(
            Server server,
            EventLoopGroup eventLoops,
            HealthStatusManager health,
            GoPluginServices goPlugin,
            Optional<ServerCertificate> certificate,
            List<BindableService> provided) {
        this.provided = provided;
        this.server = server;
        this.eventLoops = eventLoops;
        this.health = health;
        this.goPlugin = goPlugin;
        this.certificate = certificate;
        this.address = (InetSocketAddress) server.getListenSockets().get(0);
    }

    /**
     * Starts gRPC on 127.0.0.1 (any free port, or the first free one of the option's range)
     * with the given services and the go-plugin ones.
     */
    public static PluginServer start(PluginOptions options, List<BindableService> services)
            throws PluginStartException {
        Objects.requireNonNull(services, "services");
        return start(options, () -> services);
    }

    /**
     * Like {@link #start(PluginOptions, List)}, but creates the services only once the TLS
     * set-up is under way on helper threads, so that constructing the provider overlaps with it.
     */
    public static PluginServer start(PluginOptions options, Supplier<List<BindableService>> services)
            throws PluginStartException {
        return start(options, services, Optional.empty());
    }

    /**
     * Like {@link #start(PluginOptions, Supplier)}, with gRPC calls run on {@code callExecutor}
     * instead of gRPC's process-wide pool: the provider daemon runs each session's calls on the
     * session's own threads, so their log lines reach that session's launcher.
     */
    public static PluginServer start(
            PluginOptions options, Supplier<List<BindableService>> services, Optional<Executor> callExecutor)
            throws PluginStartException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(callExecutor, "callExecutor");
        Objects.requireNonNull(services, "services");
        // Start-up time is paid on every provider launch. The TLS material (client certificate
        // parsing, key generation, JDK TLS set-up) and the Netty/gRPC set-up below do not depend
        // on each other, so the TLS part runs on helper threads meanwhile.
        PendingTls tls = options.security() instanceof TransportSecurity.AutoMtls mtls
                ? PendingTls.startPreparing(mtls)
                : PendingTls.none();
        List<BindableService> provided;
        try {
            provided = List.copyOf(services.get());
        } catch (RuntimeException e) {
            throw new PluginStartException("the provider's services could not be created: " + e, e);
        }

        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(
                2, new DefaultThreadFactory("tfjvm-plugin-io", true), NioIoHandler.newFactory());
        HolderOfServer holder = new HolderOfServer();
        GoPluginServices goPlugin = new GoPluginServices(() -> holder.requestStop());
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        health.setStatus(GoPlugin.HEALTH_SERVICE, ServingStatus.SERVING);

        List<BindableService> all = new ArrayList<>(provided);
        all.add(health.getHealthService());
        all.add(goPlugin.controller());
        all.add(goPlugin.stdio());
        all.add(goPlugin.broker());
        if (options.reflection()) {
            all.add(ProtoReflectionServiceV1.newInstance());
        }
        List<ServerServiceDefinition> definitions = new ArrayList<>();
        for (BindableService service : all) {
            definitions.add(service.bindService());
        }

        Server server;
        try {
            server = bind(options, tls, loops, definitions, callExecutor);
        } catch (PluginStartException | RuntimeException | Error e) {
            loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            closeAll(provided);
            throw e;
        }
        PluginServer plugin = new PluginServer(server, loops, health, goPlugin, tls.certificate(), provided);
        holder.set(plugin);
        LOG.debug(
                "plugin server listening",
                "address",
                plugin.addressString(),
                "tls",
                tls.certificate().isPresent(),
                "services",
                all.size());
        return plugin;
    }

    private static Server bind(
            PluginOptions options,
            PendingTls tls,
            EventLoopGroup loops,
            List<ServerServiceDefinition> services,
            Optional<Executor> callExecutor)
            throws PluginStartException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        IOException last = null;
        for (int port = options.minPort(); port <= options.maxPort(); port++) {
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(loopback, port))
                    .channelType(NioServerSocketChannel.class)
                    .bossEventLoopGroup(loops)
                    .workerEventLoopGroup(loops)
                    .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                    .maxInboundMetadataSize(1 << 20);
            services.forEach(builder::addService);
            callExecutor.ifPresent(builder::executor);
            Optional<SslContext> ssl = tls.await();
            ssl.ifPresent(builder::sslContext);
            try {
                return builder.build().start();
            } catch (IOException e) {
                last = e;
            }
        }
        String range = options.minPort() == options.maxPort()
                ? "port " + options.minPort()
                : "any port in " + options.minPort() + ".." + options.maxPort();
        throw new PluginStartException(
                "cannot listen on 127.0.0.1 " + range + ": "
                        + (last == null ? "empty range" : last.getMessage())
                        + "; free a port or widen PLUGIN_MIN_PORT/PLUGIN_MAX_PORT",
                last);
    }

    /** TLS material being prepared on a helper thread (or none, for plaintext). */
    private static final class PendingTls {
        private final FutureTask<Tls> task;
        private Tls done;

        private record Tls(ServerCertificate certificate, SslContext context) {}

        private PendingTls(FutureTask<Tls> task) {
            this.task = task;
        }

        static PendingTls none() {
            return new PendingTls(null);
        }

        static PendingTls startPreparing(TransportSecurity.AutoMtls mtls) {
            // Netty computes its JDK TLS defaults (protocols, ciphers) once per process, which
            // costs about as much as our certificate work: do both at the same time.
            FutureTask<Void> nettyDefaults = daemon("tfjvm-plugin-tls-defaults", new FutureTask<>(() -> {
                Class.forName(JdkSslContext.class.getName(), true, PluginServer.class.getClassLoader());
                return null;
            }));
            FutureTask<Tls> task = daemon("tfjvm-plugin-tls-setup", new FutureTask<>(() -> {
                List<X509Certificate> trusted = parseClientCertificates(mtls.clientCertificatePem());
                ServerCertificate own;
                try {
                    own = ServerCertificate.generate();
                } catch (GeneralSecurityException e) {
                    throw new PluginStartException(
                            "cannot generate the TLS certificate for the plugin server: " + e.getMessage(), e);
                }
                try {
                    nettyDefaults.get();
                    return new Tls(own, ServerTls.context(own, trusted));
                } catch (ExecutionException e) {
                    throw new PluginStartException("cannot initialise Netty's TLS support: " + e.getCause(), e);
                } catch (GeneralSecurityException | IOException | RuntimeException e) {
                    throw new PluginStartException("cannot set up TLS for the plugin server: " + e.getMessage(), e);
                }
            }));
            return new PendingTls(task);
        }

        private static <T> FutureTask<T> daemon(String name, FutureTask<T> task) {
            Thread worker = new Thread(task, name);
            worker.setDaemon(true);
            worker.start();
            return task;
        }

        /** Waits for the TLS set-up; empty for plaintext. */
        Optional<SslContext> await() throws PluginStartException {
            if (task == null) {
                return Optional.empty();
            }
            if (done == null) {
                try {
                    done = task.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PluginStartException("interrupted while setting up TLS", e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof PluginStartException start) {
                        throw start;
                    }
                    throw new PluginStartException(
                            "cannot set up TLS for the plugin server: " + e.getCause(), e.getCause());
                }
            }
            return Optional.of(done.context());
        }

        /** The server certificate, once {@link #await()} has returned. */
        Optional<ServerCertificate> certificate() {
            return Optional.ofNullable(done).map(Tls::certificate);
        }
    }

    /** Parses PLUGIN_CLIENT_CERT (one or more PEM certificates). */
    static List<X509Certificate> parseClientCertificates(String pem) throws PluginStartException {
        try {
            Collection<? extends java.security.cert.Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> certificates = new ArrayList<>();
            for (java.security.cert.Certificate c : parsed) {
                certificates.add((X509Certificate) c);
            }
            if (certificates.isEmpty()) {
                throw new CertificateException("no certificate found");
            }
            return List.copyOf(certificates);
        } catch (CertificateException | RuntimeException e) {
            throw new PluginStartException(
                    GoPlugin.ENV_CLIENT_CERT + " does not hold a PEM X.509 certificate ("
                            + e.getMessage() + "); it is set by Terraform for AutoMTLS, unset it or set "
                            + GoPlugin.ENV_DISABLE_TLS + "=1 to serve without TLS",
                    e);
        }
    }

    /**
     * The go-plugin handshake line without its newline:
     * {@code 1|6|tcp|127.0.0.1:PORT|grpc|<base64 DER, no padding>}; the last field is empty
     * without TLS.
     */
    public String handshakeLine() {
        return GoPlugin.CORE_PROTOCOL_VERSION + "|" + GoPlugin.APP_PROTOCOL_VERSION + "|tcp|" + addressString()
                + "|grpc|" + certificate.map(ServerCertificate::handshakeField).orElse("");
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The self-signed certificate announced in the handshake, when serving TLS. */
    public Optional<X509Certificate> certificate() {
        return certificate.map(ServerCertificate::certificate);
    }

    /**
     * The value of {@code TF_REATTACH_PROVIDERS} that makes Terraform use this running server
     * for the given provider source address (e.g. {@code example.com/acme/demo}).
     */
    public String reattachJson(String providerSourceAddress) {
        StringBuilder json = new StringBuilder("{");
        jsonString(json, providerSourceAddress);
        json.append(":{\"Protocol\":\"grpc\",\"ProtocolVersion\":")
                .append(GoPlugin.APP_PROTOCOL_VERSION)
                .append(",\"Pid\":")
                .append(ProcessHandle.current().pid())
                .append(",\"Test\":true,\"Addr\":{\"Network\":\"tcp\",\"String\":");
        jsonString(json, addressString());
        return json.append("}}}").toString();
    }

    /** Blocks until GRPCController.Shutdown was served and the server stopped, or {@link #close()}. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Whether the server has stopped. */
    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /** Stops the server (letting in-flight calls finish briefly) and waits until it has stopped. */
    @Override
    public void close() {
        if (stopping.compareAndSet(false, true)) {
            stop();
        }
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // Once, and every caller returns only when it is done: a provider's close stops the
        // operations still running (up to its grace), and the process must not exit under them.
        synchronized (provided) {
            if (!providedClosed) {
                providedClosed = true;
                closeAll(provided);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the services that are closeable; a provider's stops its operations still running. */
    private static void closeAll(List<BindableService> services) {
        for (BindableService s : services) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("a provider did not close cleanly", "error", e);
                }
            }
        }
    }

    /** Called from the Shutdown RPC: stop on another thread so the reply goes out first. */
    private void requestStop() {
        if (stopping.compareAndSet(false, true)) {
            Thread stopper = new Thread(this::stop, "tfjvm-plugin-stop");
            stopper.setDaemon(true);
            stopper.start();
        }
    }

    private void stop() {
        try {
            health.enterTerminalState();
            server.shutdown();
            goPlugin.completeOpenStreams();
            if (!server.awaitTermination(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            eventLoops.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
            LOG.debug("plugin server stopped");
            stopped.countDown();
        }
    }

    private String addressString() {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static void jsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** Lets the controller service reach the server it is part of, which is built after it. */
    private static final class HolderOfServer {
        private PluginServer server;
        private boolean stopRequestedEarly;

        synchronized void set(PluginServer s) {
            server = s;
            if (stopRequestedEarly) {
                s.requestStop();
            }
        }

        synchronized void requestStop() {
            PluginServer s = server;
            if (s == null) {
                stopRequestedEarly = true;
            } else {
                s.requestStop();
            }
        }
    }
}
