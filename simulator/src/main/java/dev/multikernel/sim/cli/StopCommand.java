package dev.multikernel.sim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stop}: asks the running simulator to stop and waits until its process has ended. */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        description = "Stop the simulator running on a state directory and wait for it to end. "
                + "Succeeds (exit 0) when none is running.")
final class StopCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StateDirOption stateDir;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to wait for the simulator to end (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StateDir dir = stateDir.get();
        if (!isLocked(dir)) {
            err.println("multikernel-sim: no simulator is running with state directory " + dir.root());
            return 0;
        }
        Optional<ProcessHandle> process = Simulator.readPid(dir).flatMap(ProcessHandle::of);
        try {
            AdminClient.call(dir, AdminClient.request("stop"));
        } catch (IOException e) {
            // The admin socket is gone or stuck; the pid file (guarded by the lock) is the fallback.
            if (process.isEmpty()) {
                err.println("multikernel-sim: the simulator does not answer (" + e.getMessage()
                        + ") and its pid file is missing; stop its java process by hand");
                return 1;
            }
            if (process.get().pid() == ProcessHandle.current().pid()) {
                err.println("multikernel-sim: the simulator runs in this very process and does not answer ("
                        + e.getMessage() + ")");
                return 1;
            }
            process.get().destroy();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isLocked(dir) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (isLocked(dir)) {
            err.println("multikernel-sim: the simulator"
                    + process.map(p -> " (pid " + p.pid() + ")").orElse("") + " did not stop within "
                    + timeout.toSeconds() + " s");
            return 1;
        }
        if (process.isPresent()
                && process.get().pid() != ProcessHandle.current().pid()) {
            // The lock is released inside close(); give the JVM its moment to exit.
            try {
                process.get()
                        .onExit()
                        .get(
                                Math.max(1000, (deadline - System.nanoTime()) / 1_000_000),
                                java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                err.println("multikernel-sim: the simulator released its state directory but its process (pid "
                        + process.get().pid() + ") has not ended yet");
                return 1;
            }
        }
        out.println("stopped the simulator of " + dir.root());
        return 0;
    }

    /** True while some process holds the state directory's lock, i.e. a simulator runs on it. */
    static boolean isLocked(StateDir dir) throws IOException {
        Path lockFile = dir.root().resolve(".lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this very JVM (an in-process simulator)
        }
    }
}
