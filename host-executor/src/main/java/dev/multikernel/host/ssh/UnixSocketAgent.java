package dev.multikernel.host.ssh;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * An ssh-agent client over the agent's unix socket, using the JDK's unix domain socket channels
 * (sshd's own unix agent needs the Tomcat native library). The agent protocol is
 * request/response with a 4-byte length prefix; message building is inherited from sshd.
 */
final class UnixSocketAgent extends AbstractAgentProxy {

    /** An agent answer larger than this is refused (a list of a few hundred keys is far smaller). */
    private static final int MAX_MESSAGE_BYTES = 256 * 1024;

    private final Path socket;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private SocketChannel channel;
    private Selector selector;

    UnixSocketAgent(Path socket) {
        super(null);
        this.socket = socket;
    }

    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        // The first 4 bytes of the buffer are reserved for the length of what follows.
        int end = buffer.wpos();
        buffer.wpos(0);
        buffer.putUInt(end - 4L);
        buffer.wpos(end);
        SocketChannel ch = channel();
        ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
        writeFully(ch, out);
        ByteBuffer header = ByteBuffer.allocate(4);
        readFully(ch, header);
        int length = header.flip().getInt();
        if (length < 0 || length > MAX_MESSAGE_BYTES) {
            close();
            throw new IOException("ssh-agent at " + socket + " sent a " + Integer.toUnsignedString(length)
                    + "-byte answer; refusing it");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(ch, body);
        return new ByteArrayBuffer(body.array());
    }

    private SocketChannel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.configureBlocking(false);
                selector = Selector.open();
                ch.register(selector, SelectionKey.OP_READ);
            } catch (IOException e) {
                ch.close();
                throw new IOException("cannot connect to ssh-agent at " + socket + ": " + e.getMessage(), e);
            }
            channel = ch;
        }
        return channel;
    }

    /** Reads until {@code into} is full; an agent that stops answering is an error, not a hang. */
    private void readFully(SocketChannel ch, ByteBuffer into) throws IOException {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (into.hasRemaining()) {
            int n = ch.read(into);
            if (n < 0) {
                close();
                throw new EOFException("ssh-agent at " + socket + " closed the connection");
            }
            if (n == 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    close();
                    throw new IOException("ssh-agent at " + socket + " did not answer within " + ANSWER_TIMEOUT
                            + " (is it waiting for a confirmation?)");
                }
                selector.select(left);
                selector.selectedKeys().clear();
            }
        }
    }

    private void writeFully(SocketChannel ch, ByteBuffer out) throws IOException {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (out.hasRemaining()) {
            if (ch.write(out) == 0) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IOException("ssh-agent at " + socket + " does not accept requests");
                }
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public synchronized boolean isOpen() {
        return true;
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (selector != null) {
            selector.close();
            selector = null;
        }
    }
}
