package dev.multikernel.host.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Runs commands on this machine with {@code /bin/sh -c}, under the same rules as the SSH transport
 * (mutations serialised, timeouts are failures, output bounded). For tests and for running on the
 * multikernel host itself.
 */
public final class LocalHostTransport implements HostTransport {

    private static final long MAX_OUTPUT_BYTES = 64L << 20;

    private final Path workingDirectory;
    private final Map<String, String> environment;
    private final boolean sudo;
    private final ReentrantReadWriteLock mutations = new ReentrantReadWriteLock(true);
    /** Line channels open now: closed with the transport. */
    private final Set<LineChannel> channels = ConcurrentHashMap.newKeySet();

    /**
     * @param workingDirectory where commands run and where relative upload paths point
     * @param environment      added to the environment of every command
     * @param sudo             prefix privileged commands with {@code sudo -n} (when not running as root)
     */
    public LocalHostTransport(Path workingDirectory, Map<String, String> environment, boolean sudo) {
        this.workingDirectory = workingDirectory.toAbsolutePath();
        this.environment = Map.copyOf(environment);
        this.sudo = sudo && !"root".equals(System.getProperty("user.name"));
    }

    @Override
    public ExecResult exec(ExecRequest request) throws HostException {
        long deadline = System.nanoTime() + request.timeout().toNanos();
        Lock lock = request.access() == ExecRequest.Access.MUTATE ? mutations.writeLock() : mutations.readLock();
        try {
            if (!lock.tryLock(request.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new CommandTimeoutException(
                        describe(),
                        "timed out after " + request.timeout()
                                + " waiting for other operations; the command was not started",
                        request.timeout(),
                        false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandTimeoutException(describe(), "cancelled", request.timeout(), false);
        }
        try {
            return run(request, deadline);
        } finally {
            lock.unlock();
        }
    }

    private ExecResult run(ExecRequest request, long deadline) throws HostException {
        long started = System.nanoTime();
        ProcessBuilder pb =
                new ProcessBuilder("/bin/sh", "-c", request.commandLine(sudo)).directory(workingDirectory.toFile());
        pb.environment().putAll(environment);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new LocalConfigurationException(describe(), "cannot start /bin/sh: " + e.getMessage(), e);
        }
        AtomicBoolean overflow = new AtomicBoolean();
        CompletableFuture<byte[]> out =
                CompletableFuture.supplyAsync(() -> drain(process.getInputStream(), overflow, process));
        CompletableFuture<byte[]> err =
                CompletableFuture.supplyAsync(() -> drain(process.getErrorStream(), overflow, process));
        byte[] stdin = request.stdin();
        CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
            try (OutputStream o = process.getOutputStream()) {
                o.write(stdin);
            } catch (IOException e) {
                // the command exited without reading all of its input
            }
        });
        try {
            if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                throw new CommandTimeoutException(
                        describe(),
                        "the command did not finish within " + request.timeout() + "; it was killed",
                        request.timeout(),
                        true);
            }
            in.get(5, TimeUnit.SECONDS);
            byte[] o = out.get(5, TimeUnit.SECONDS);
            byte[] e = err.get(5, TimeUnit.SECONDS);
            if (overflow.get()) {
                throw new RemoteCommandException(
                        describe(), "the command wrote more than " + MAX_OUTPUT_BYTES + " bytes; it was stopped");
            }
            return new ExecResult(process.exitValue(), o, e, Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new CommandTimeoutException(describe(), "cancelled", request.timeout(), true);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new ConnectionLostException(describe(), "lost the command's output: " + e, e);
        }
    }

    private static byte[] drain(InputStream stream, AtomicBoolean overflow, Process process) {
        BoundedSink sink = new BoundedSink(MAX_OUTPUT_BYTES, () -> {
            overflow.set(true);
            process.destroyForcibly();
        });
        byte[] buf = new byte[8192];
        try (InputStream s = stream) {
            int n;
            while ((n = s.read(buf)) >= 0) {
                sink.write(buf, 0, n);
            }
        } catch (IOException e) {
            // process killed
        }
        return sink.bytes();
    }

    @Override
    public void upload(byte[] content, String remotePath, int mode, Duration timeout) throws HostException {
        ExecResult r = exec(ExecRequest.mutate(Uploads.command(remotePath, mode), content, timeout));
        if (!r.succeeded()) {
            throw new RemoteCommandException(describe(), "writing " + remotePath + " failed: " + r.stderrSummary());
        }
    }

    @Override
    public String describe() {
        return System.getProperty("user.name") + "@localhost";
    }

    /** A local process kept running, its stdout cut into lines by a reader thread. */
    @Override
    public Optional<LineChannel> openChannel(ExecRequest request) throws HostException {
        ProcessBuilder pb =
                new ProcessBuilder("/bin/sh", "-c", request.commandLine(sudo)).directory(workingDirectory.toFile());
        pb.environment().putAll(environment);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new LocalConfigurationException(describe(), "cannot start /bin/sh: " + e.getMessage(), e);
        }
        ProcessLineChannel channel = new ProcessLineChannel(process);
        channels.add(channel);
        channels.removeIf(c -> !c.isOpen() && c != channel);
        pump(process.getInputStream(), channel.out(), "stdout", true);
        pump(process.getErrorStream(), channel.err(), "stderr", false);
        return Optional.of(channel);
    }

    private static void pump(InputStream from, OutputStream to, String name, boolean endAtEof) {
        Thread t = new Thread(
                () -> {
                    byte[] buf = new byte[8192];
                    try (InputStream s = from) {
                        int n;
                        while ((n = s.read(buf)) >= 0) {
                            to.write(buf, 0, n);
                        }
                    } catch (IOException e) {
                        // the process was stopped
                    } finally {
                        if (endAtEof) {
                            try {
                                to.close();
                            } catch (IOException e) {
                                // a line sink does not fail to close
                            }
                        }
                    }
                },
                "local-line-channel-" + name);
        t.setDaemon(true);
        t.start();
    }

    private final class ProcessLineChannel extends StreamLineChannel {
        private final Process process;

        ProcessLineChannel(Process process) {
            super(describe(), "localhost", mutations, MAX_OUTPUT_BYTES);
            this.process = process;
        }

        LineSink out() {
            return out;
        }

        BoundedSink err() {
            return err;
        }

        @Override
        protected OutputStream input() {
            return process.getOutputStream();
        }

        @Override
        protected void release() {
            channels.remove(this);
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // the process is gone already
            }
            // the end of its input ends a session; one that does not end by itself is killed a little later
            CompletableFuture.runAsync(
                    () -> {
                        if (process.isAlive()) {
                            process.descendants().forEach(ProcessHandle::destroyForcibly);
                            process.destroyForcibly();
                        }
                    },
                    CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));
        }

        @Override
        protected boolean connectionLost() {
            return false;
        }

        @Override
        public OptionalInt exitStatus() {
            return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
        }
    }

    /** Stops the processes of the line channels still open. */
    @Override
    public void close() {
        channels.forEach(LineChannel::close);
        channels.clear();
    }
}
