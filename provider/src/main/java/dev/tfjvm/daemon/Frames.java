package dev.tfjvm.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher protocol on the daemon's unix socket; the C side is {@code launcher/src/launcher.c}.
 * Every message is a frame: one type byte, a 4-byte big-endian length, the payload.
 *
 * <pre>
 * launcher → daemon  'R'  "tfjvm-launch-1" NUL cwd NUL (NAME=VALUE NUL)*   one request, then nothing
 * daemon → launcher  'H'  the go-plugin handshake line (no newline)         launcher prints it on stdout
 *                    'L'  log bytes                                         launcher copies them to stderr
 *                    'E'  a one-line error, before any 'H'                  launcher prints it on stdout, exits 1
 *                    'X'  4-byte exit status                                launcher exits with it
 * </pre>
 * The launcher closing its end ends the session.
 */
final class Frames {
    static final byte REQUEST = 'R';
    static final byte HANDSHAKE = 'H';
    static final byte LOG = 'L';
    static final byte ERROR = 'E';
    static final byte EXIT = 'X';
    static final String VERSION = "tfjvm-launch-1";
    /** Environments are small; a bigger request is not from our launcher. */
    static final int MAX_REQUEST_BYTES = 4 << 20;

    private Frames() {}

    record Frame(byte type, byte[] payload) {}

    /** The launch request: working directory and environment. */
    record Request(String workingDirectory, List<String> environment) {}

    static Frame read(ReadableByteChannel in, int maxBytes) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(5);
        readFully(in, header);
        header.flip();
        byte type = header.get();
        int length = header.getInt();
        if (length < 0 || length > maxBytes) {
            throw new IOException("frame of " + length + " bytes is too large");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(in, payload);
        return new Frame(type, payload.array());
    }

    static Request request(Frame frame) throws IOException {
        if (frame.type() != REQUEST) {
            throw new IOException("expected a launch request, got frame type " + frame.type());
        }
        List<String> parts = new ArrayList<>();
        byte[] p = frame.payload();
        int start = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) {
                parts.add(new String(p, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (parts.size() < 2 || !parts.get(0).equals(VERSION)) {
            throw new IOException("not a " + VERSION + " request; the launcher and the provider jar do not match");
        }
        return new Request(parts.get(1), List.copyOf(parts.subList(2, parts.size())));
    }

    static void write(WritableByteChannel out, byte type, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(5 + payload.length);
        frame.put(type).putInt(payload.length).put(payload).flip();
        while (frame.hasRemaining()) {
            out.write(frame);
        }
    }

    static byte[] request(String cwd, List<String> env) {
        StringBuilder b = new StringBuilder(VERSION).append('\0').append(cwd).append('\0');
        env.forEach(e -> b.append(e).append('\0'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void readFully(ReadableByteChannel in, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                throw new EOFException("the launcher closed the connection");
            }
        }
    }
}
