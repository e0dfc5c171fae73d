package dev.tfjvm.daemon;

import dev.tfjvm.log.Level;
import dev.tfjvm.log.Log;
import dev.tfjvm.log.LogThreshold;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends each log line to the launcher of the session whose thread wrote it, filtered by that
 * launch's TF_LOG / TF_LOG_PROVIDER; lines from threads of no session (the daemon's own, or
 * shared objects' threads) go to the daemon's stderr, its log file. Log lines are whole lines
 * written in one call (see {@link Log#setOutput}), so a line is never split between sessions.
 */
final class SessionLogs extends OutputStream {
    /** Sink of one session. */
    interface Sink {
        Level threshold();

        void log(byte[] line) throws IOException;
    }

    /**
     * The session of the current thread. Inherited, so threads a session's provider starts
     * (its operation pool) log to it; shared objects are created outside any session
     * ({@link #outside}) so that their threads never carry one.
     */
    private static final InheritableThreadLocal<Sink> CURRENT = new InheritableThreadLocal<>();

    private static final Set<Sink> LIVE = ConcurrentHashMap.newKeySet();
    private static final byte[] LEVEL_KEY = "\"@level\":\"".getBytes(StandardCharsets.US_ASCII);
    private final OutputStream daemonLog = new FileOutputStream(FileDescriptor.err);
    private final Level daemonThreshold;

    private SessionLogs(Level daemonThreshold) {
        this.daemonThreshold = daemonThreshold;
    }

    static void install(Level daemonThreshold) {
        Log.setOutput(new SessionLogs(daemonThreshold));
        Log.setThreshold(daemonThreshold);
    }

    /**
     * What the provider's code prints to System.out or System.err: on a session's thread it goes
     * to that session's launcher unfiltered (Terraform logs it), like a provider process's stderr.
     */
    static java.io.PrintStream stderr() {
        OutputStream daemonErr = new FileOutputStream(FileDescriptor.err);
        return new java.io.PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        Sink sink = CURRENT.get();
                        if (sink != null && LIVE.contains(sink)) {
                            try {
                                sink.log(java.util.Arrays.copyOfRange(b, off, off + len));
                            } catch (IOException e) {
                                // the launcher is gone
                            }
                        } else {
                            daemonErr.write(b, off, len);
                        }
                    }
                },
                true,
                StandardCharsets.UTF_8);
    }

    static void enter(Sink sink) {
        CURRENT.set(sink);
    }

    static void leave() {
        CURRENT.remove();
    }

    /** Registers a live session: its threshold joins the process-wide one. */
    static void open(Sink sink, Level daemonThreshold) {
        LIVE.add(sink);
        recompute(daemonThreshold);
    }

    static void close(Sink sink, Level daemonThreshold) {
        LIVE.remove(sink);
        recompute(daemonThreshold);
    }

    /** Runs {@code action} on this thread without a session, restoring it afterwards. */
    static <T> T outside(java.util.function.Supplier<T> action) {
        Sink was = CURRENT.get();
        CURRENT.remove();
        try {
            return action.get();
        } finally {
            if (was != null) {
                CURRENT.set(was);
            }
        }
    }

    /** Lines are built only when someone wants them: the most verbose live threshold. */
    private static void recompute(Level daemonThreshold) {
        Level lowest = daemonThreshold;
        for (Sink s : LIVE) {
            if (s.threshold().compareTo(lowest) < 0) {
                lowest = s.threshold();
            }
        }
        Log.setThreshold(lowest);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        byte[] line = java.util.Arrays.copyOfRange(b, off, off + len);
        Level level = level(line).orElse(Level.INFO);
        Sink sink = CURRENT.get();
        if (sink != null && LIVE.contains(sink)) {
            if (level.passes(sink.threshold())) {
                try {
                    sink.log(line);
                } catch (IOException e) {
                    // The launcher is gone; the session is ending.
                }
            }
        } else if (level.passes(daemonThreshold)) {
            daemonLog.write(line);
        }
    }

    static Optional<Level> level(byte[] line) {
        int at = indexOf(line, LEVEL_KEY);
        if (at < 0) {
            return Optional.empty();
        }
        int start = at + LEVEL_KEY.length;
        int end = start;
        while (end < line.length && line[end] != '"') {
            end++;
        }
        return Level.parse(new String(line, start, end - start, StandardCharsets.US_ASCII));
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length && i < 64; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static Level threshold(java.util.Map<String, String> env) {
        return LogThreshold.fromEnvironment(env);
    }
}
