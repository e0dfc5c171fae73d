package dev.tfjvm.plugin;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A provider main run as a child process the way Terraform runs it, capturing stdout and stderr. */
final class ProviderProcess implements AutoCloseable {
    final Process process;
    private final BufferedReader stdout;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread stderrPump;

    private ProviderProcess(Process process) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.stderrPump = pump(process.getErrorStream(), stderr);
    }

    static List<String> javaCommand(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts with a clean environment plus the given variables (PATH and JAVA_HOME kept). */
    static ProviderProcess start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> childEnv = builder.environment();
        childEnv.keySet().removeIf(k -> k.startsWith("TF_") || k.startsWith("PLUGIN_"));
        childEnv.putAll(env);
        return new ProviderProcess(builder.start());
    }

    /** The next stdout line, or null at end of stream. */
    String readStdoutLine() throws IOException {
        return stdout.readLine();
    }

    /** Everything left on stdout until the process closes it. */
    String remainingStdout() throws IOException {
        StringBuilder rest = new StringBuilder();
        char[] buffer = new char[4096];
        int n;
        while ((n = stdout.read(buffer)) >= 0) {
            rest.append(buffer, 0, n);
        }
        return rest.toString();
    }

    boolean waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    String stderr() throws InterruptedException {
        stderrPump.join(5000);
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
        kill.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (sink) {
                        sink.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
