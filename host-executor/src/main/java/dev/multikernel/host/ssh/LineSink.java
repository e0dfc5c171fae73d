package dev.multikernel.host.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The output of a {@link LineChannel}'s command, cut into lines as it arrives (written by the
 * transport's I/O threads), up to a limit per line. {@link #end} marks the end of the output.
 */
final class LineSink extends OutputStream {

    /** Marks the end of the output in the queue. */
    private static final String END = new String("end of output");

    private final long maxLine;
    private final Runnable onOverflow;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private boolean ended;
    private volatile boolean overflowed;

    LineSink(long maxLine, Runnable onOverflow) {
        this.maxLine = maxLine;
        this.onOverflow = onOverflow;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        boolean overflow = false;
        synchronized (this) {
            if (ended || overflowed) {
                return;
            }
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    current.write(b, start, i - start);
                    lines.add(current.toString(StandardCharsets.UTF_8));
                    current.reset();
                    start = i + 1;
                }
            }
            current.write(b, start, off + len - start);
            if (current.size() > maxLine) {
                overflowed = true;
                overflow = true;
                current.reset();
            }
        }
        if (overflow) {
            onOverflow.run();
        }
    }

    /** The output ended (the command exited, the channel or the connection closed). Idempotent. */
    void end() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        lines.add(END);
    }

    @Override
    public void close() {
        end();
    }

    /** Whether the output has ended and every line before the end has been taken. */
    boolean drained() {
        synchronized (this) {
            return ended && (lines.isEmpty() || lines.peek() == END);
        }
    }

    boolean overflowed() {
        return overflowed;
    }

    /**
     * The next line, or {@code null} on timeout; {@link #isEnd} tells the end of the output (which
     * stays in the queue, so every later call sees it too).
     */
    String poll(long timeoutNanos) throws InterruptedException {
        String line = lines.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        if (line == END) {
            lines.add(END);
        }
        return line;
    }

    static boolean isEnd(String line) {
        return line == END;
    }
}
