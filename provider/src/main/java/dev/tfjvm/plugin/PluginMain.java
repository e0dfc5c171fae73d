package dev.tfjvm.plugin;

import dev.tfjvm.daemon.Daemon;
import dev.tfjvm.log.JulBridge;
import dev.tfjvm.log.Log;
import dev.tfjvm.spi.Launch;
import io.grpc.BindableService;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The process entry point of a provider built on the bridge:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     PluginMain.run(args, "example.com/acme/demo", () -> List.of(new DemoProvider()));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>no arguments: managed by Terraform. Checks the magic cookie and protocol versions,
 *       ignores SIGINT, starts the server, prints only the handshake line on stdout (all other
 *       output of the process, {@code System.out} included, goes to stderr), serves until
 *       GRPCController.Shutdown and exits at once.</li>
 *   <li>{@code --debug}: plaintext server for {@code TF_REATTACH_PROVIDERS}; prints how to
 *       attach Terraform and serves until Ctrl-C.</li>
 *   <li>{@code --cds-training}: runs the start-up path once against itself and exits; used by
 *       the launcher to record a class-data-sharing archive.</li>
 * </ul>
 */
public final class PluginMain {
    private static final Log LOG = Log.get("plugin");
    /** Upper bound for the JVM to exit after Shutdown before it is halted. */
    private static final long EXIT_WATCHDOG_MILLIS = 1000;
    /** The launcher's argument that runs this jar as the provider daemon on the given socket. */
    public static final String DAEMON_FLAG = "--tfjvm-daemon";

    private PluginMain() {}

    /** Runs the provider process and exits the JVM; never returns. */
    public static void run(String[] args, String providerAddress, Supplier<List<BindableService>> services) {
        run(args, providerAddress, launch -> services.get());
    }

    /**
     * Like {@link #run(String[], String, Supplier)}, with services made for each launch: one in
     * this process, or one per Terraform launch when the launcher runs this jar as the provider
     * daemon ({@code --tfjvm-daemon SOCKET}, see {@link Daemon}).
     */
    public static void run(String[] args, String providerAddress, Function<Launch, List<BindableService>> services) {
        // Take stdout for the handshake before anything can print to it, and send every other
        // System.out write (a library's stray println) to stderr, where Terraform logs it.
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        int status;
        try {
            status = switch (Arrays.asList(args).toString()) {
                case "[]" -> {
                    System.setOut(System.err);
                    yield serveManaged(System.getenv(), stdout, () -> services.apply(Launch.ofProcess()), server -> {});
                }
                case "[--debug]" -> serveDebug(stdout, providerAddress, () -> services.apply(Launch.ofProcess()));
                case "[--cds-training]" -> {
                    System.setOut(System.err);
                    yield TrainingRun.run(() -> services.apply(Launch.ofProcess()));
                }
                case "[--help]", "[-h]" -> {
                    usage(providerAddress);
                    yield 0;
                }
                default -> {
                    if (args.length == 2 && args[0].equals(DAEMON_FLAG)) {
                        System.setOut(System.err);
                        yield Daemon.serve(Daemon.Settings.of(Path.of(args[1]), System.getenv(), ownJar()), services);
                    }
                    System.err.println("Unknown arguments: " + String.join(" ", args));
                    usage(providerAddress);
                    yield 2;
                }
            };
        } catch (InterruptedException e) {
            status = 1;
        } catch (Exception | LinkageError e) {
            LOG.error("provider failed", "error", e);
            System.err.println("Error: the provider " + providerAddress + " failed: " + e);
            status = 1;
        }
        exit(status);
    }

    /**
     * The managed mode without the process exit, for tests and the training run.
     *
     * @param afterHandshake called once the handshake line is out, before waiting for Shutdown
     * @return the process exit status
     */
    static int serveManaged(
            Map<String, String> env,
            PrintStream handshakeOut,
            Supplier<List<BindableService>> services,
            Consumer<PluginServer> afterHandshake)
            throws InterruptedException {
        Optional<String> problem = launchProblem(env);
        if (problem.isPresent()) {
            System.err.println(problem.get());
            return 1;
        }
        Interrupts.ignoreSigint();
        JulBridge.install();
        PluginServer server;
        try {
            server = PluginServer.start(PluginOptions.fromEnvironment(env), services);
        } catch (PluginStartException e) {
            LOG.error("cannot start the provider", "error", e.getMessage());
            System.err.println("Error: " + e.getMessage());
            return 1;
        }
        handshakeOut.print(server.handshakeLine() + "\n");
        handshakeOut.flush();
        if (handshakeOut.checkError()) {
            LOG.error("cannot write the plugin handshake to stdout; stopping");
            server.close();
            return 1;
        }
        afterHandshake.accept(server);
        endWithParent(server);
        server.awaitShutdown();
        server.close(); // the services too: a Shutdown only stops the server
        return 0;
    }

    /**
     * Terraform is this process's parent (the launcher execs the JVM). If it dies without a
     * Shutdown (kill -9, a crash), nobody will ever ask this process to stop, and re-parented to
     * init it would go on changing hosts for a Terraform that cannot record it: stop serving.
     */
    private static void endWithParent(PluginServer server) {
        ProcessHandle.current()
                .parent()
                .filter(p -> p.pid() > 1)
                .ifPresent(parent -> parent.onExit().thenRun(() -> {
                    LOG.warn(
                            "Terraform (process " + parent.pid() + ") is gone; stopping the provider",
                            "pid",
                            parent.pid());
                    server.close();
                }));
    }

    /**
     * Why {@code env} is not the environment of a launch by Terraform (magic cookie, protocol
     * versions), as the message to show; empty when it is.
     */
    public static Optional<String> launchProblem(Map<String, String> env) {
        if (!GoPlugin.MAGIC_COOKIE_VALUE.equals(env.get(GoPlugin.MAGIC_COOKIE_KEY))) {
            return Optional.of("""
                    This program is a Terraform provider plugin. Terraform starts it itself; it is \
                    not meant to be run directly.
                    To use it, install it where Terraform looks for providers (a dev_overrides or \
                    filesystem_mirror entry in the Terraform CLI configuration).
                    To debug it, run it with --debug and export the TF_REATTACH_PROVIDERS value it \
                    prints in the shell where you run terraform.""");
        }
        String offered = env.getOrDefault(GoPlugin.ENV_PROTOCOL_VERSIONS, "").trim();
        if (!offered.isEmpty()
                && Arrays.stream(offered.split(","))
                        .map(String::trim)
                        .noneMatch(v -> v.equals(String.valueOf(GoPlugin.APP_PROTOCOL_VERSION)))) {
            return Optional.of("This Terraform provider speaks plugin protocol version "
                    + GoPlugin.APP_PROTOCOL_VERSION + ", but the client offered only " + offered
                    + ". Use Terraform 1.0 or newer, or OpenTofu.");
        }
        return Optional.empty();
    }

    private static int serveDebug(PrintStream out, String providerAddress, Supplier<List<BindableService>> services)
            throws InterruptedException {
        JulBridge.install();
        PluginServer server;
        try {
            server = PluginServer.start(PluginOptions.debug(), services);
        } catch (PluginStartException e) {
            System.err.println("Error: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tfjvm-plugin-debug-stop"));
        out.println("Provider " + providerAddress + " is running in debug mode (plaintext gRPC on "
                + server.address().getAddress().getHostAddress() + ":"
                + server.address().getPort() + ").");
        out.println("To attach Terraform, export this variable in the shell where you run terraform:");
        out.println();
        out.println("TF_REATTACH_PROVIDERS='" + server.reattachJson(providerAddress) + "'");
        out.println();
        out.println("Terraform will then use this process instead of starting the provider. Stop it with Ctrl-C.");
        out.flush();
        server.awaitShutdown();
        return 0;
    }

    /** The jar the JVM runs ({@code java -jar}), watched by the daemon for replacement. */
    private static Optional<Path> ownJar() {
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.contains(java.io.File.pathSeparator)
                && classPath.endsWith(".jar")
                && Files.isRegularFile(Path.of(classPath))) {
            return Optional.of(Path.of(classPath).toAbsolutePath());
        }
        try {
            Path p = Path.of(PluginMain.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void usage(String providerAddress) {
        System.err.println("Terraform provider " + providerAddress + """

                Usage:
                  (no arguments)   serve as a plugin started by Terraform (needs Terraform's environment)
                  --debug          serve for TF_REATTACH_PROVIDERS and print how to attach Terraform
                  --cds-training   run the start-up path once and exit (used by the launcher)""");
    }

    /** Exits promptly: Terraform kills a provider still alive two seconds after Shutdown. */
    private static void exit(int status) {
        System.err.flush();
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(EXIT_WATCHDOG_MILLIS);
                    } catch (InterruptedException e) {
                        // halt anyway
                    }
                    Runtime.getRuntime().halt(status);
                },
                "tfjvm-exit-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        System.exit(status);
    }
}
