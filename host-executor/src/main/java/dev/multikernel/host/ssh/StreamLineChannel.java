package dev.multikernel.host.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The part of a {@link LineChannel} every transport shares: the host's mutation lock, one exchange
 * at a time, the deadline (a watchdog closes the channel when it passes, which also unblocks a
 * write stuck on a full window) and the failures, worded as the one-shot path words them.
 */
abstract class StreamLineChannel implements LineChannel {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "line-channel-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** stderr is for messages only: a long-lived command keeps its first 64 KiB. */
    private static final long STDERR_KEPT = 64 << 10;

    private final String host;
    private final String hostName;
    private final ReentrantReadWriteLock mutations;
    protected final LineSink out;
    protected final BoundedSink err;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean timedOut;

    /**
     * @param host      the transport's description of the host, for exceptions
     * @param hostName  the host's name, for messages
     * @param mutations the host's lock that {@link HostTransport#exec} takes too
     */
    StreamLineChannel(String host, String hostName, ReentrantReadWriteLock mutations, long maxOutputBytes) {
        this.host = host;
        this.hostName = hostName;
        this.mutations = mutations;
        this.out = new LineSink(maxOutputBytes, this::close);
        this.err = new BoundedSink(STDERR_KEPT, () -> {});
    }

    /** Where the command's stdin goes (available once the channel is open). */
    protected abstract OutputStream input() throws IOException;

    /** Stops the command and releases the channel. Called once. */
    protected abstract void release();

    /** Whether the connection under the channel is gone (not just the channel); may drop it. */
    protected abstract boolean connectionLost();

    @Override
    public Optional<String> readLine(Duration timeout) throws HostException {
        String line;
        try {
            line = out.poll(timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new CommandTimeoutException(host, "the operation on " + hostName + " was cancelled", timeout, true);
        }
        if (line == null) {
            close();
            throw new CommandTimeoutException(
                    host,
                    "the command on " + hostName + " printed nothing within " + timeout + "; it was stopped",
                    timeout,
                    true);
        }
        return LineSink.isEnd(line) ? Optional.empty() : Optional.of(line);
    }

    @Override
    public String exchange(String line, ExecRequest.Access access, Duration timeout) throws HostException {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a line channel request must be one line");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Lock lock = access == ExecRequest.Access.MUTATE ? mutations.writeLock() : mutations.readLock();
        try {
            if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new CommandTimeoutException(
                        host,
                        "timed out after " + timeout + " waiting for other operations on " + hostName
                                + " to finish; the command was not sent. Increase the timeout or reduce parallel "
                                + "changes to this host.",
                        timeout,
                        false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandTimeoutException(host, "the operation on " + hostName + " was cancelled", timeout, false);
        }
        if (!busy.compareAndSet(false, true)) {
            lock.unlock();
            throw new IllegalStateException("one exchange at a time on a line channel");
        }
        try {
            return exchangeLocked(line, access, timeout, deadline);
        } finally {
            busy.set(false);
            lock.unlock();
        }
    }

    private String exchangeLocked(String line, ExecRequest.Access access, Duration timeout, long deadline)
            throws HostException {
        if (!isOpen()) {
            throw lost(access, null);
        }
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(
                () -> {
                    timedOut = true;
                    close();
                },
                Math.max(1, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
        try {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                OutputStream in = input();
                in.write(bytes);
                in.flush();
            } catch (IOException | RuntimeException e) {
                if (timedOut) {
                    throw timedOut(access, timeout);
                }
                close();
                throw lost(access, e);
            }
            String answer;
            try {
                answer = out.poll(deadline - System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new CommandTimeoutException(
                        host, "the operation on " + hostName + " was cancelled", timeout, true);
            }
            if (timedOut || answer == null) {
                close();
                throw timedOut(access, timeout);
            }
            if (LineSink.isEnd(answer)) {
                close();
                if (out.overflowed()) {
                    throw new RemoteCommandException(
                            host,
                            "the command on " + hostName + " wrote an answer line that is too long; it was stopped");
                }
                throw lost(access, null);
            }
            return answer;
        } finally {
            watchdog.cancel(false);
        }
    }

    private CommandTimeoutException timedOut(ExecRequest.Access access, Duration timeout) {
        return new CommandTimeoutException(
                host,
                "the command on " + hostName + " did not finish within " + timeout
                        + (access == ExecRequest.Access.MUTATE
                                ? "; it may still be running and its effect is unknown: read the host's state before retrying"
                                : "")
                        + ". Increase the timeout if the host is just slow.",
                timeout,
                true);
    }

    private ConnectionLostException lost(ExecRequest.Access access, Throwable cause) {
        boolean connection = connectionLost();
        String stderr = stderrSummary();
        return new ConnectionLostException(
                host,
                (connection
                                ? "the SSH connection to " + hostName + " was lost while the command ran"
                                : hostName + " closed the command's channel without an answer"
                                        + (stderr.isEmpty() ? "" : " (stderr: " + stderr + ")"))
                        + (access == ExecRequest.Access.MUTATE ? "; whether it took effect is unknown" : ""),
                cause);
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && !out.drained();
    }

    @Override
    public String stderrSummary() {
        String text = new String(err.bytes(), StandardCharsets.UTF_8).strip();
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                release();
            } finally {
                out.end();
            }
        }
    }
}
