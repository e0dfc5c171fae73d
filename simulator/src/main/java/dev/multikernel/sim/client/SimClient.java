package dev.multikernel.sim.client;

import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.KernelError;
import dev.multikernel.sim.kernel.Operation;
import dev.multikernel.sim.protocol.WireFormat;
import dev.multikernel.sim.protocol.WireFormat.ProtocolException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Java client of the simulator socket protocol (docs/simulator-protocol.md), for tests and
 * tools in other processes. Mirrors {@link dev.multikernel.sim.kernel.KernelModel}: a kernel
 * error arrives as a {@link KernelError} with the same errno; transport and protocol failures
 * are {@link IOException}s. One connection; calls are serialised.
 */
public final class SimClient implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    private SimClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel), 65536);
        this.out = Channels.newOutputStream(channel);
    }

    public static SimClient connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to the simulator socket " + socket + ": " + e.getMessage(), e);
        }
        return new SimClient(ch);
    }

    // ------------------------------------------------------------ kernel calls

    public byte[] read(String path) throws KernelError, IOException {
        return call("READ " + enc(path), null);
    }

    public String readString(String path) throws KernelError, IOException {
        return new String(read(path), StandardCharsets.UTF_8);
    }

    /** One write() of the whole buffer at offset 0. */
    public void write(String path, byte[] data) throws KernelError, IOException {
        call("WRITE " + enc(path) + " " + data.length, data);
    }

    /** One pwrite() at an offset. */
    public void write(String path, long offset, byte[] data) throws KernelError, IOException {
        call("PWRITE " + enc(path) + " " + Long.toUnsignedString(offset) + " " + data.length, data);
    }

    public List<String> list(String dir) throws KernelError, IOException {
        byte[] payload = call("LIST " + enc(dir), null);
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0) {
                names.add(new String(payload, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return List.copyOf(names);
    }

    public void mkdir(String path) throws KernelError, IOException {
        call("MKDIR " + enc(path), null);
    }

    public void rmdir(String path) throws KernelError, IOException {
        call("RMDIR " + enc(path), null);
    }

    public void mount(String source, String target, String fsType, long flags, String data)
            throws KernelError, IOException {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        call(
                "MOUNT " + optional(source) + " " + enc(target) + " " + optional(fsType) + " "
                        + Long.toUnsignedString(flags) + " " + d.length,
                d);
    }

    /** {@code kexec_file_load(kernel, initrd or -1, strlen(cmdline)+1, cmdline, flags)}. */
    public void kexecFileLoad(Path kernel, Optional<Path> initrd, String cmdline, long flags)
            throws KernelError, IOException {
        byte[] c = (cmdline + "\0").getBytes(StandardCharsets.UTF_8);
        kexecFileLoad(Optional.of(kernel), initrd, c, flags);
    }

    /** Raw form: absent paths are fd -1, {@code cmdline} is passed with its exact length (NUL included). */
    public void kexecFileLoad(Optional<Path> kernel, Optional<Path> initrd, byte[] cmdline, long flags)
            throws KernelError, IOException {
        call(
                "KEXEC_FILE_LOAD " + path(kernel) + " " + path(initrd) + " 0x" + Long.toHexString(flags) + " "
                        + cmdline.length,
                cmdline);
    }

    /** {@code kexec_file_load(-1, -1, 0, NULL, flags | KEXEC_FILE_UNLOAD)}. */
    public void kexecFileUnload(long flags) throws KernelError, IOException {
        kexecFileLoad(Optional.empty(), Optional.empty(), new byte[0], flags | 0x1);
    }

    /** {@code reboot(magic1, magic2, cmd, &(struct){ arg })}. */
    public void reboot(int magic1, int magic2, int cmd, long arg) throws KernelError, IOException {
        call(
                "REBOOT 0x" + Integer.toHexString(magic1) + " 0x" + Integer.toHexString(magic2) + " 0x"
                        + Integer.toHexString(cmd) + " " + arg,
                null);
    }

    // ------------------------------------------------------------ admin calls

    /** INFO as key/value pairs: protocol, generation, boot_id. */
    public Map<String, String> info() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : new String(admin("INFO", null), StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    public String bootId() throws IOException {
        return info().getOrDefault("boot_id", "");
    }

    /** Simulated host reboot; returns the new boot id. */
    public String rebootHost() throws IOException {
        return new String(admin("ADMIN_HOST_REBOOT", null), StandardCharsets.US_ASCII).trim();
    }

    public void failNext(Operation op, String pathGlob, Errno errno, int count) throws IOException {
        admin("ADMIN_FAIL_NEXT " + op.name() + " " + enc(pathGlob) + " " + errno.name() + " " + count, null);
    }

    public void haltTimesOut(boolean on) throws IOException {
        admin("ADMIN_HALT_TIMEOUT " + (on ? 1 : 0), null);
    }

    public void haltCannotQuiesce(boolean on) throws IOException {
        admin("ADMIN_HALT_NO_QUIESCE " + (on ? 1 : 0), null);
    }

    public void slowReplies(Duration delay) throws IOException {
        admin("ADMIN_SLOW_REPLIES " + delay.toMillis(), null);
    }

    public void clearFaults() throws IOException {
        admin("ADMIN_CLEAR_FAULTS", null);
    }

    public List<String> kernelLog() throws IOException {
        String text = new String(admin("ADMIN_KERNEL_LOG", null), StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    // ------------------------------------------------------------ framing

    private byte[] admin(String header, byte[] payload) throws IOException {
        try {
            return call(header, payload);
        } catch (KernelError e) {
            throw new IOException("admin request failed: " + e.getMessage(), e);
        }
    }

    /** Sends one request and returns the OK payload. */
    public synchronized byte[] call(String header, byte[] payload) throws KernelError, IOException {
        out.write((header + "\n").getBytes(StandardCharsets.US_ASCII));
        if (payload != null) {
            out.write(payload);
        }
        out.flush();
        try {
            String line = WireFormat.readLine(in);
            if (line == null) {
                throw new IOException("simulator closed the connection without replying");
            }
            List<String> f = WireFormat.fields(line);
            switch (f.get(0)) {
                case "OK" -> {
                    if (f.size() != 2) {
                        throw new IOException("malformed OK reply: " + line);
                    }
                    return WireFormat.readPayload(in, WireFormat.parseNumber(f.get(1), "length"));
                }
                case "ERR" -> {
                    if (f.size() != 4) {
                        throw new IOException("malformed ERR reply: " + line);
                    }
                    int number = (int) WireFormat.parseNumber(f.get(1), "errno");
                    Errno errno = Errno.ofName(f.get(2))
                            .or(() -> Errno.ofNumber(number))
                            .orElseThrow(() -> new IOException("unknown errno in reply: " + line));
                    throw new KernelError(errno, WireFormat.decode(f.get(3)));
                }
                case "BAD" -> throw new SimProtocolException(f.size() > 1 ? WireFormat.decode(f.get(1)) : line);
                default -> throw new IOException("unexpected reply: " + line);
            }
        } catch (ProtocolException e) {
            throw new IOException("malformed reply from the simulator: " + e.getMessage(), e);
        }
    }

    private static String enc(String s) {
        return WireFormat.encode(s);
    }

    private static String optional(String s) {
        return s == null || s.isEmpty() ? "-" : enc(s);
    }

    private static String path(Optional<Path> p) {
        return p.map(x -> enc(x.toAbsolutePath().toString())).orElse("-");
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** The server answered BAD: the request was malformed; the connection is closed. */
    public static final class SimProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        public SimProtocolException(String message) {
            super("simulator rejected the frame: " + message);
        }
    }
}
