package dev.tfjvm.daemon;

import dev.tfjvm.launcher.InstallLayout;
import dev.tfjvm.launcher.Jars;
import dev.tfjvm.launcher.ProviderAddress;
import dev.tfjvm.plugin.Clients;
import dev.tfjvm.plugin.HealthOnlyMain;
import dev.tfjvm.plugin.ServerCertificate;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The installed native launcher of the health-only test provider, run the way Terraform runs
 * it, with a daemon socket directory of its own (so tests never meet another test's, or another
 * worktree's, daemon) that {@link #close()} removes: the daemon exits when its socket is gone.
 */
@SuppressWarnings("try") // close() may be interrupted while it waits for the daemons to go; a test wants that
final class Launches implements AutoCloseable {
    final Path root;
    final Path socketDir;
    final InstallLayout.Result installed;
    final ServerCertificate client;
    private final Map<String, String> baseEnv = new HashMap<>();

    Launches(Path root) throws Exception {
        this.root = root;
        this.socketDir = root.resolve("d");
        Path jar = Jars.classPathJar(root.resolve("healthonly.jar"), HealthOnlyMain.class);
        installed = InstallLayout.install(new InstallLayout.Request(
                jar,
                ProviderAddress.parse("example.com/tfjvm/healthonly"),
                "0.1.0",
                root.resolve("out"),
                "linux_amd64"));
        client = Clients.goPluginClientIdentity();
        baseEnv.put("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2");
        baseEnv.put("PLUGIN_PROTOCOL_VERSIONS", "5,6");
        baseEnv.put("PLUGIN_MIN_PORT", "0");
        baseEnv.put("PLUGIN_MAX_PORT", "0");
        baseEnv.put("PLUGIN_CLIENT_CERT", client.certificatePem());
        baseEnv.put("TF_JVM_DAEMON_DIR", socketDir.toString());
        baseEnv.put("TF_JVM_CDS", "off");
        baseEnv.put("TF_LOG", "debug");
        baseEnv.put("JAVA_HOME", System.getProperty("java.home"));
        baseEnv.put("XDG_CACHE_HOME", root.resolve("cache").toString());
    }

    /** A launcher process, its stdout line by line, its stderr collected. */
    static final class Launch implements AutoCloseable {
        final Process process;
        final BufferedReader stdout;
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        Launch(Process process) {
            this.process = process;
            this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Thread pump = new Thread(() -> {
                try {
                    byte[] b = new byte[8192];
                    int n;
                    while ((n = process.getErrorStream().read(b)) >= 0) {
                        synchronized (stderr) {
                            stderr.write(b, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            pump.setDaemon(true);
            pump.start();
        }

        String stderr() {
            synchronized (stderr) {
                return stderr.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    Launch start(Map<String, String> extra) throws IOException {
        return start(installed.launcher(), root.toFile(), extra, List.of());
    }

    Launch start(Path launcher, java.io.File dir, Map<String, String> extra, List<String> remove) throws IOException {
        ProcessBuilder b = new ProcessBuilder(launcher.toString()).directory(dir);
        b.environment().keySet().removeIf(k -> k.startsWith("TF_") || k.startsWith("PLUGIN_"));
        b.environment().putAll(baseEnv);
        b.environment().putAll(extra);
        remove.forEach(b.environment()::remove);
        return new Launch(b.start());
    }

    /** Live processes whose command line names this socket directory: the daemon. */
    List<ProcessHandle> daemons() {
        String dir = socketDir.toString();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(p -> p.info().command().orElse("").endsWith("/java")
                            && p.info().commandLine().orElse("").contains(dir))
                    .toList();
        }
    }

    String daemonLog() throws IOException {
        if (!Files.isDirectory(socketDir)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(socketDir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    List<Path> sockets() throws IOException {
        if (!Files.isDirectory(socketDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(socketDir)) {
            return files.filter(f -> f.toString().endsWith(".sock")).toList();
        }
    }

    static boolean eventually(java.util.function.BooleanSupplier condition, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    /** Removes the sockets (the daemon then exits) and makes sure no daemon of this test is left. */
    @Override
    public void close() throws Exception {
        for (Path s : sockets()) {
            Files.deleteIfExists(s);
        }
        if (!eventually(() -> daemons().isEmpty(), 10)) {
            daemons().forEach(ProcessHandle::destroyForcibly);
        }
    }
}
