package dev.multikernel.sim.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.sim.client.SimClient;
import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.kernel.KernelError;
import dev.multikernel.sim.kernel.KernelModel;
import dev.multikernel.sim.kernel.Operation;
import java.io.ByteArrayOutputStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket protocol of docs/simulator-protocol.md, spoken byte by byte as a C client would. */
@DisplayName("simulator socket protocol")
class KernelSocketServerTest {
    @TempDir
    Path dir;

    KernelModel kernel;
    KernelSocketServer server;

    @BeforeEach
    void start() throws Exception {
        kernel = KernelModel.open(dir.resolve("state"), HostTopology.defaults(), InterfaceGeneration.CURRENT);
        server = KernelSocketServer.start(kernel, dir.resolve("k.sock"));
    }

    @AfterEach
    void stop() {
        server.close();
        kernel.close();
    }

    /** A raw connection: send bytes, read the reply head line and payload. */
    private final class Raw implements AutoCloseable {
        final SocketChannel ch;
        final InputStream in;
        final OutputStream out;

        Raw() throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(server.socketPath()));
            in = Channels.newInputStream(ch);
            out = Channels.newOutputStream(ch);
        }

        Raw send(String s) throws IOException {
            return send(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        Raw send(byte[] b) throws IOException {
            out.write(b);
            out.flush();
            return this;
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                b.write(c);
            }
            return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }

        byte[] bytes(int n) throws IOException {
            return in.readNBytes(n);
        }

        boolean closedByPeer() throws IOException {
            return in.read() < 0;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    @Test
    @DisplayName("READ of a file: OK <len>, then exactly len bytes")
    void readFrame() throws Exception {
        try (Raw r = new Raw()) {
            r.send("READ /proc/cmdline\n");
            String head = r.line();
            assertThat(head).startsWith("OK ");
            int len = Integer.parseInt(head.substring(3));
            assertThat(new String(r.bytes(len), StandardCharsets.UTF_8))
                    .contains("mkkernel_pool=4G")
                    .endsWith("\n");
        }
    }

    @Test
    @DisplayName("kernel errors: ERR <errno> <NAME> <%-encoded message>, and the connection stays usable")
    void errFrame() throws Exception {
        try (Raw r = new Raw()) {
            r.send("READ /sys/fs/multikernel/device_tree\n");
            String head = r.line();
            assertThat(head).matches("ERR 2 ENOENT \\S+");
            assertThat(WireFormat.decode(head.split(" ")[3])).contains("does not exist");
            r.send("MKDIR /sys/fs/multikernel/x\n");
            assertThat(r.line()).startsWith("ERR 1 EPERM ");
            r.send("INFO\n");
            assertThat(r.line()).startsWith("OK ");
        }
    }

    @Test
    @DisplayName("WRITE carries a raw payload; MOUNT, LIST (NUL-terminated names), PWRITE at an offset")
    void writeAndList() throws Exception {
        try (Raw r = new Raw()) {
            r.send("MOUNT none /sys/fs/multikernel multikernel 0 0\n");
            assertThat(r.line()).isEqualTo("OK 0");
            r.send("LIST /sys/fs/multikernel\n");
            String head = r.line();
            byte[] names = r.bytes(Integer.parseInt(head.substring(3)));
            assertThat(new String(names, StandardCharsets.UTF_8)).isEqualTo("device_tree\0instances\0overlays\0");
            r.send("WRITE /sys/fs/multikernel/overlays/new 5\nhello");
            assertThat(r.line()).startsWith("ERR 22 EINVAL ");
            r.send("PWRITE /sys/fs/multikernel/overlays/new 7 3\nabc");
            assertThat(r.line()).startsWith("ERR 22 EINVAL ");
            r.send("WRITE /sys/fs/multikernel/overlays/new 0\n");
            assertThat(r.line()).startsWith("ERR 22 EINVAL ");
        }
    }

    @Test
    @DisplayName("paths with spaces and bytes outside printable ASCII travel %XX-encoded")
    void percentEncoding() throws Exception {
        assertThat(WireFormat.encode("/a b%c\n")).isEqualTo("/a%20b%25c%0A");
        assertThat(WireFormat.decode("/a%20b%25c%0a")).isEqualTo("/a b%c\n");
        assertThat(WireFormat.encode(new byte[0])).isEqualTo("%");
        try (Raw r = new Raw()) {
            r.send("READ /proc/no%20such\n");
            String head = r.line();
            assertThat(head).startsWith("ERR 2 ENOENT ");
            assertThat(WireFormat.decode(head.split(" ")[3])).contains("/proc/no such");
        }
    }

    @Test
    @DisplayName("KEXEC_FILE_LOAD and REBOOT frames: numbers in decimal or 0x hex")
    void syscallFrames() throws Exception {
        try (Raw r = new Raw()) {
            r.send("KEXEC_FILE_LOAD - - 0x31 0\n");
            assertThat(r.line()).startsWith("ERR 2 ENOENT ");
            r.send("REBOOT 0xfee1dead 672274793 0x4d4b4c49 1\n");
            assertThat(r.line()).startsWith("ERR 22 EINVAL ");
            r.send("REBOOT 4276215469 0x28121969 0x89abcdef 0\n");
            assertThat(r.line()).isEqualTo("OK 0");
            r.send("REBOOT -18751827 672274793 0 0\n");
            assertThat(r.line()).isEqualTo("OK 0");
        }
    }

    @Test
    @DisplayName("malformed frames get BAD and a closed connection; the server keeps serving others")
    void malformedFrames() throws Exception {
        String[] bad = {
            "FROB /x\n", // unknown verb
            "READ\n", // missing field
            "READ /a /b\n", // extra field
            "READ  /a\n", // empty field
            "WRITE /x lots\n", // bad number
            "WRITE /x 99999999999\n", // payload too large
            "READ /a%zz\n", // bad escape
            "READ /a%2\n", // truncated escape
            "READ /a\tb\n", // control byte
            "ADMIN_FAIL_NEXT NOPE * EIO 1\n", // unknown operation
            "ADMIN_FAIL_NEXT READ * EWHAT 1\n", // unknown errno
            "ADMIN_HALT_TIMEOUT 2\n",
            "KEXEC_FILE_LOAD relative - 0 0\n",
            "\n",
        };
        for (String frame : bad) {
            try (Raw r = new Raw()) {
                r.send(frame.getBytes(StandardCharsets.ISO_8859_1));
                String head = r.line();
                assertThat(head).as(frame).startsWith("BAD ");
                assertThat(r.closedByPeer()).as(frame).isTrue();
            }
        }
        try (Raw r = new Raw()) {
            r.send("x".repeat(WireFormat.MAX_HEADER_BYTES + 10));
            assertThat(r.line()).startsWith("BAD ");
        }
        try (Raw r = new Raw()) {
            r.send(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\n'});
            assertThat(r.line()).startsWith("BAD ");
        }
        try (SimClient c = SimClient.connect(server.socketPath())) {
            assertThat(c.info()).containsEntry("protocol", "1").containsEntry("generation", "current");
        }
    }

    @Test
    @DisplayName("a client that vanishes mid-payload or mid-header does not disturb the server")
    void truncatedFrames() throws Exception {
        try (Raw r = new Raw()) {
            r.send("WRITE /sys/fs/multikernel/overlays/new 100\nonly-a-few");
        }
        try (Raw r = new Raw()) {
            r.send("READ /proc/cmd");
        }
        try (SimClient c = SimClient.connect(server.socketPath())) {
            assertThat(c.readString("/proc/cmdline")).contains("root=");
        }
    }

    @Test
    @DisplayName("admin verbs: fault injection, host reboot, kernel log")
    void adminVerbs() throws Exception {
        try (SimClient c = SimClient.connect(server.socketPath())) {
            String boot = c.bootId();
            c.failNext(Operation.READ, "/proc/*", Errno.EACCES, 1);
            assertThatThrownBy(() -> c.read("/proc/iomem"))
                    .isInstanceOf(KernelError.class)
                    .extracting(e -> ((KernelError) e).errno())
                    .isEqualTo(Errno.EACCES);
            assertThat(c.readString("/proc/iomem")).contains("System RAM");
            String next = c.rebootHost();
            assertThat(next).isNotEqualTo(boot).isEqualTo(c.bootId()).isEqualTo(kernel.bootId());
            c.haltTimesOut(true);
            assertThat(kernel.faults().haltTimesOut()).isTrue();
            c.haltCannotQuiesce(true);
            c.slowReplies(java.time.Duration.ofMillis(1));
            c.clearFaults();
            assertThat(kernel.faults().haltTimesOut()).isFalse();
            assertThat(c.kernelLog()).anyMatch(l -> l.contains("Booting simulated host"));
        }
        try (Raw r = new Raw()) {
            r.send("ADMIN_FAIL_NEXT WRITE /sys/fs/multikernel/* 12 2\n");
            assertThat(r.line()).isEqualTo("OK 0");
        }
        assertThat(kernel.faults().rules()).singleElement().satisfies(rule -> {
            assertThat(rule.errno()).isEqualTo(Errno.ENOMEM);
            assertThat(rule.remaining()).isEqualTo(2);
        });
    }

    @Test
    @DisplayName("several clients at once, each request answered in order")
    void concurrentClients() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    int ok = 0;
                    try (SimClient c = SimClient.connect(server.socketPath())) {
                        for (int i = 0; i < 50; i++) {
                            if (c.readString("/proc/sys/kernel/random/boot_id")
                                    .trim()
                                    .equals(kernel.bootId())) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(50);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("start replaces a stale socket file, refuses a live one, and close removes the file")
    void socketFileLifecycle() throws Exception {
        assertThatThrownBy(() -> KernelSocketServer.start(kernel, server.socketPath()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("already listening");
        Path stale = dir.resolve("stale.sock");
        KernelSocketServer.start(kernel, stale).close();
        Files.createFile(stale);
        try (KernelSocketServer again = KernelSocketServer.start(kernel, stale)) {
            try (SimClient c = SimClient.connect(again.socketPath())) {
                assertThat(c.info()).containsKey("boot_id");
            }
        }
        assertThat(stale).doesNotExist();
    }

    @Test
    @DisplayName("the client surfaces BAD as a protocol exception")
    void clientSeesBad() throws Exception {
        try (SimClient c = SimClient.connect(server.socketPath())) {
            assertThatThrownBy(() -> c.call("NOPE", null))
                    .isInstanceOf(SimClient.SimProtocolException.class)
                    .hasMessageContaining("unknown verb");
        }
    }
}
