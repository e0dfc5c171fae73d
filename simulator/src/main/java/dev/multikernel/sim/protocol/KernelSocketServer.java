package dev.multikernel.sim.protocol;

import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.KernelError;
import dev.multikernel.sim.kernel.KernelModel;
import dev.multikernel.sim.kernel.Operation;
import dev.multikernel.sim.protocol.WireFormat.ProtocolException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves one {@link KernelModel} on a unix-domain stream socket, speaking the protocol of
 * docs/simulator-protocol.md. One thread per connection; requests on a connection are
 * answered in order; the kernel model serialises calls across connections.
 *
 * <p>A malformed frame gets a {@code BAD} reply and the connection is closed (its framing can
 * no longer be trusted); the server keeps serving everyone else.
 */
public final class KernelSocketServer implements AutoCloseable {
    /** Connections served at once; more are answered {@code BAD} and closed. */
    public static final int MAX_CONNECTIONS = 64;

    private final KernelModel kernel;
    private final Path socketPath;
    private volatile UnixSocketServer socket;
    private volatile boolean closed;

    private KernelSocketServer(KernelModel kernel, Path socketPath) {
        this.kernel = kernel;
        this.socketPath = socketPath;
    }

    /**
     * Binds {@code socketPath} (a stale socket file left by a dead simulator is replaced; a live
     * one is an error) and starts serving.
     */
    public static KernelSocketServer start(KernelModel kernel, Path socketPath) throws IOException {
        Objects.requireNonNull(kernel, "kernel");
        Path path = socketPath.toAbsolutePath();
        if (Files.exists(path)) {
            if (isLive(path)) {
                throw new IOException("another simulator is already listening on " + path);
            }
            Files.delete(path);
        }
        KernelSocketServer s = new KernelSocketServer(kernel, path);
        s.socket = UnixSocketServer.start(
                path,
                "mksim-" + path.getFileName(),
                MAX_CONNECTIONS,
                Duration.ZERO,
                Optional.empty(),
                s::serve,
                KernelSocketServer::rejectBusy);
        return s;
    }

    private static boolean isLive(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path socketPath() {
        return socketPath;
    }

    public KernelModel kernel() {
        return kernel;
    }

    private static void rejectBusy(SocketChannel client) {
        try (OutputStream out = Channels.newOutputStream(client)) {
            out.write(("BAD " + WireFormat.encode("too many connections (" + MAX_CONNECTIONS + "); close idle ones")
                            + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // the client went away; nothing to tell it
        }
    }

    /** One connection: requests answered in order until the peer closes or sends a malformed frame. */
    private void serve(SocketChannel client) throws IOException {
        InputStream in = new BufferedInputStream(Channels.newInputStream(client), 65536);
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(client), 65536);
        while (!closed) {
            Reply reply;
            try {
                String line = WireFormat.readLine(in);
                if (line == null) {
                    return;
                }
                reply = handle(WireFormat.fields(line), in);
            } catch (ProtocolException e) {
                out.write(("BAD " + WireFormat.encode(e.getMessage()) + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            reply.writeTo(out);
            out.flush();
        }
    }

    // ------------------------------------------------------------ dispatch

    private Reply handle(List<String> f, InputStream in) throws IOException, ProtocolException {
        String verb = f.get(0);
        switch (verb) {
            case "READ" -> {
                arity(f, 2);
                String path = WireFormat.decode(f.get(1));
                return call(() -> Reply.ok(kernel.read(path)));
            }
            case "WRITE" -> {
                arity(f, 3);
                String path = WireFormat.decode(f.get(1));
                byte[] data = WireFormat.readPayload(in, WireFormat.parseNumber(f.get(2), "length"));
                return call(() -> {
                    kernel.write(path, data);
                    return Reply.ok();
                });
            }
            case "PWRITE" -> {
                arity(f, 4);
                String path = WireFormat.decode(f.get(1));
                long offset = WireFormat.parseNumber(f.get(2), "offset");
                byte[] data = WireFormat.readPayload(in, WireFormat.parseNumber(f.get(3), "length"));
                return call(() -> {
                    kernel.write(path, offset, data);
                    return Reply.ok();
                });
            }
            case "LIST" -> {
                arity(f, 2);
                String path = WireFormat.decode(f.get(1));
                return call(() -> {
                    StringBuilder sb = new StringBuilder();
                    for (String name : kernel.list(path)) {
                        sb.append(name).append('\0');
                    }
                    return Reply.ok(sb.toString().getBytes(StandardCharsets.UTF_8));
                });
            }
            case "MKDIR" -> {
                arity(f, 2);
                String path = WireFormat.decode(f.get(1));
                return call(() -> {
                    kernel.mkdir(path);
                    return Reply.ok();
                });
            }
            case "RMDIR" -> {
                arity(f, 2);
                String path = WireFormat.decode(f.get(1));
                return call(() -> {
                    kernel.rmdir(path);
                    return Reply.ok();
                });
            }
            case "MOUNT" -> {
                arity(f, 6);
                String source = optionalString(f.get(1));
                String target = WireFormat.decode(f.get(2));
                String fsType = optionalString(f.get(3));
                long flags = WireFormat.parseNumber(f.get(4), "flags");
                byte[] data = WireFormat.readPayload(in, WireFormat.parseNumber(f.get(5), "data length"));
                String dataText = new String(data, StandardCharsets.UTF_8);
                return call(() -> {
                    kernel.mount(source, target, fsType, flags, dataText);
                    return Reply.ok();
                });
            }
            case "KEXEC_FILE_LOAD" -> {
                arity(f, 5);
                Optional<Path> kernelPath = optionalPath(f.get(1));
                Optional<Path> initrd = optionalPath(f.get(2));
                long flags = WireFormat.parseNumber(f.get(3), "flags");
                byte[] cmdline = WireFormat.readPayload(in, WireFormat.parseNumber(f.get(4), "cmdline length"));
                return call(() -> {
                    kernel.kexecFileLoad(kernelPath, initrd, cmdline, flags);
                    return Reply.ok();
                });
            }
            case "REBOOT" -> {
                arity(f, 5);
                int magic1 = (int) WireFormat.parseNumber(f.get(1), "magic1");
                int magic2 = (int) WireFormat.parseNumber(f.get(2), "magic2");
                int cmd = (int) WireFormat.parseNumber(f.get(3), "cmd");
                long arg = WireFormat.parseNumber(f.get(4), "arg");
                return call(() -> {
                    kernel.reboot(magic1, magic2, cmd, arg);
                    return Reply.ok();
                });
            }
            case "INFO" -> {
                arity(f, 1);
                String info = "protocol=" + WireFormat.VERSION + "\n"
                        + "generation=" + kernel.generation().name().toLowerCase(Locale.ROOT) + "\n"
                        + "boot_id=" + kernel.bootId() + "\n";
                return Reply.ok(info.getBytes(StandardCharsets.US_ASCII));
            }
            case "ADMIN_HOST_REBOOT" -> {
                arity(f, 1);
                kernel.rebootHost();
                return Reply.ok((kernel.bootId() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            case "ADMIN_FAIL_NEXT" -> {
                arity(f, 5);
                Operation op = parseOperation(f.get(1));
                String glob = WireFormat.decode(f.get(2));
                Errno errno = parseErrno(f.get(3));
                long count = WireFormat.parseNumber(f.get(4), "count");
                if (count < 1 || count > Integer.MAX_VALUE) {
                    throw new ProtocolException("count must be 1.." + Integer.MAX_VALUE);
                }
                kernel.faults().failNext(op, glob, errno, (int) count);
                return Reply.ok();
            }
            case "ADMIN_HALT_TIMEOUT" -> {
                arity(f, 2);
                kernel.faults().haltTimesOut(parseBool(f.get(1)));
                return Reply.ok();
            }
            case "ADMIN_HALT_NO_QUIESCE" -> {
                arity(f, 2);
                kernel.faults().haltCannotQuiesce(parseBool(f.get(1)));
                return Reply.ok();
            }
            case "ADMIN_SLOW_REPLIES" -> {
                arity(f, 2);
                long millis = WireFormat.parseNumber(f.get(1), "milliseconds");
                if (millis < 0 || millis > Duration.ofMinutes(10).toMillis()) {
                    throw new ProtocolException("slow reply delay must be 0..600000 ms");
                }
                kernel.faults().slowReplies(Duration.ofMillis(millis));
                return Reply.ok();
            }
            case "ADMIN_CLEAR_FAULTS" -> {
                arity(f, 1);
                kernel.faults().clear();
                return Reply.ok();
            }
            case "ADMIN_KERNEL_LOG" -> {
                arity(f, 1);
                StringBuilder sb = new StringBuilder();
                kernel.kernelLog().forEach(l -> sb.append(l).append('\n'));
                return Reply.ok(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
            default -> throw new ProtocolException("unknown verb '" + verb + "'; see docs/simulator-protocol.md");
        }
    }

    private interface KernelCall {
        Reply run() throws KernelError;
    }

    private static Reply call(KernelCall c) {
        try {
            return c.run();
        } catch (KernelError e) {
            return Reply.error(e.errno(), e.reason());
        } catch (RuntimeException e) {
            // A bug in the model must not take the server down; report it as EIO.
            return Reply.error(Errno.EIO, "internal simulator error: " + e);
        }
    }

    private static void arity(List<String> f, int n) throws ProtocolException {
        if (f.size() != n) {
            throw new ProtocolException(f.get(0) + " takes " + (n - 1) + " field(s), got " + (f.size() - 1));
        }
    }

    private static String optionalString(String field) throws ProtocolException {
        return field.equals("-") ? "" : WireFormat.decode(field);
    }

    private static Optional<Path> optionalPath(String field) throws ProtocolException {
        if (field.equals("-")) {
            return Optional.empty();
        }
        String p = WireFormat.decode(field);
        if (!p.startsWith("/") || p.indexOf('\0') >= 0) {
            throw new ProtocolException("file paths must be absolute (got '" + p + "')");
        }
        return Optional.of(Path.of(p));
    }

    private static boolean parseBool(String field) throws ProtocolException {
        return switch (field) {
            case "0" -> false;
            case "1" -> true;
            default -> throw new ProtocolException("expected 0 or 1, got '" + field + "'");
        };
    }

    private static Operation parseOperation(String field) throws ProtocolException {
        try {
            return Operation.valueOf(field);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("unknown operation '" + field + "'; one of " + List.of(Operation.values()));
        }
    }

    private static Errno parseErrno(String field) throws ProtocolException {
        Optional<Errno> e = Errno.ofName(field);
        if (e.isEmpty() && !field.isEmpty() && Character.isDigit(field.charAt(0))) {
            e = Errno.ofNumber((int) Math.min(Integer.MAX_VALUE, WireFormat.parseNumber(field, "errno")));
        }
        return e.orElseThrow(() -> new ProtocolException("unknown errno '" + field + "'"));
    }

    /** One reply frame. */
    private record Reply(String head, byte[] payload) {
        static Reply ok() {
            return ok(new byte[0]);
        }

        static Reply ok(byte[] payload) {
            return new Reply("OK " + payload.length, payload);
        }

        static Reply error(Errno errno, String message) {
            return new Reply(
                    "ERR " + errno.number() + " " + errno.name() + " " + WireFormat.encode(message), new byte[0]);
        }

        void writeTo(OutputStream out) throws IOException {
            out.write((head + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
        }
    }

    /** Stops accepting, drops every connection and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        socket.close();
    }
}
