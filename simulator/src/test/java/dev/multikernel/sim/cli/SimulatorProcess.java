package dev.multikernel.sim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code multikernel-sim start ...} run as its own JVM, the way a user runs it. */
final class SimulatorProcess implements AutoCloseable {

    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final StringBuffer stderr = new StringBuffer();

    private SimulatorProcess(Process process) {
        this.process = process;
        Thread out = new Thread(() -> drain(process, true), "sim-stdout");
        Thread err = new Thread(() -> drain(process, false), "sim-stderr");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    static SimulatorProcess start(String... startArgs) throws IOException {
        List<String> argv = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "start"));
        argv.addAll(List.of(startArgs));
        return new SimulatorProcess(new ProcessBuilder(argv).start());
    }

    private void drain(Process p, boolean isOut) {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(isOut ? p.getInputStream() : p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (isOut) {
                    synchronized (stdout) {
                        stdout.add(line);
                        stdout.notifyAll();
                    }
                } else {
                    stderr.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits for the "N hosts ready" line; fails with the simulator's stderr if it exits first. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stdout) {
            while (stdout.stream().noneMatch(l -> l.contains("ready (state dir"))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (!process.isAlive() && stdout.stream().noneMatch(l -> l.contains("ready"))) {
                    Thread.sleep(100); // let stderr drain
                    throw new AssertionError("simulator exited with " + process.exitValue() + ": " + stderr);
                }
                if (left <= 0) {
                    throw new AssertionError("simulator not ready within " + timeout + "; stderr: " + stderr);
                }
                stdout.wait(Math.min(left, 200));
            }
        }
    }

    Process process() {
        return process;
    }

    List<String> stdout() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }

    String stderr() {
        return stderr.toString();
    }

    /** Every process the simulator started (the shells of SSH sessions and their children). */
    List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            boolean ended;
            try {
                ended = process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended = false;
            }
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
