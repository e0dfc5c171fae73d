package dev.multikernel.host.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * Collects a command's output up to a limit. Past the limit it keeps nothing more and calls
 * {@code onOverflow} once (which closes the channel), so a runaway command cannot fill the heap.
 */
final class BoundedSink extends OutputStream {

    private final long limit;
    private final Runnable onOverflow;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private boolean overflowed;

    BoundedSink(long limit, Runnable onOverflow) {
        this.limit = limit;
        this.onOverflow = onOverflow;
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        if (overflowed) {
            return;
        }
        if (buffer.size() + (long) len > limit) {
            overflowed = true;
            onOverflow.run();
            return;
        }
        buffer.write(b, off, len);
    }

    synchronized boolean overflowed() {
        return overflowed;
    }

    synchronized byte[] bytes() {
        return buffer.toByteArray();
    }
}
