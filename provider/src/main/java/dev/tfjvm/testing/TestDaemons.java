package dev.tfjvm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Provider daemons started by tests: every {@link TerraformCli} gets a socket directory of its
 * own ({@code TF_JVM_DAEMON_DIR}), so no test meets another test's daemon, another worktree's or
 * the user's own. They end on their own after a short idle time, and at the latest when the test
 * JVM exits: removing a daemon's socket stops it, and anything still running after that is killed.
 */
public final class TestDaemons {
    /** Short: a test's daemon should not outlive the test by much, even if the test JVM is killed. */
    public static final String IDLE = "10s";

    private static final List<Path> DIRECTORIES = new CopyOnWriteArrayList<>();
    private static final AtomicInteger COUNTER = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestDaemons::stopAll, "tfjvm-test-daemons-stop"));
    }

    private TestDaemons() {}

    /** A new private socket directory (short, under the temp dir: unix socket paths are limited). */
    public static Path newDirectory() {
        Path dir = Path.of(
                System.getProperty("java.io.tmpdir"),
                "tfjvm-t" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
        try {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DIRECTORIES.add(dir);
        return dir;
    }

    /** The daemons (JVMs) serving sockets in {@code dir}, found by their command line; the launcher script's background CDS training shell is not one. */
    public static List<ProcessHandle> daemons(Path dir) {
        String name = dir.toString() + "/";
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(p -> p.info().command().orElse("").endsWith("/java")
                            && p.info().commandLine().orElse("").contains(name))
                    .toList();
        }
    }

    /** Stops the daemons of {@code dir} (their sockets removed, then killed after 5 s) and removes it. */
    public static void stop(Path dir) {
        try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            for (Path f : files.filter(f -> f.toString().endsWith(".sock")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // killed below
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!daemons(dir).isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        daemons(dir).forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> all = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp directory left behind
        }
    }

    private static void stopAll() {
        DIRECTORIES.forEach(TestDaemons::stop);
    }
}
