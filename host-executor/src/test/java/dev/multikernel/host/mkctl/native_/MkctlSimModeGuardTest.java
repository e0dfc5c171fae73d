package dev.multikernel.host.mkctl.native_;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules that keep sim mode from being reached by accident (docs/mkctl.md "Sim mode"). The
 * peers here are stand-ins that answer INFO; the real simulator is exercised by the simulator
 * module's tests.
 */
class MkctlSimModeGuardTest {
    @TempDir
    Path tmp;

    private ServerSocketChannel server;
    private Thread acceptor;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            acceptor.join(5000);
        }
    }

    /**
     * A unix socket that answers each header line with what the function returns; an answer
     * starting with '!' is sent without the '!' and the connection is closed.
     */
    private Path peer(Function<String, String> answer) throws IOException {
        Path sock = tmp.resolve("sim.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        acceptor = new Thread(() -> {
            while (server.isOpen()) {
                try (SocketChannel c = server.accept()) {
                    InputStream in = Channels.newInputStream(c);
                    OutputStream out = Channels.newOutputStream(c);
                    String line;
                    while ((line = readLine(in)) != null) {
                        requests.add(line);
                        String a = answer.apply(line);
                        boolean close = a.startsWith("!"); // "!..." = answer, then hang up
                        out.write((close ? a.substring(1) : a).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        if (close) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    // closed by the test or by mkctl
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return sock;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
    }

    private static String ok(String payload) {
        return "OK " + payload.length() + "\n" + payload;
    }

    private Map<String, Object> refused(Map<String, String> env, String... args) throws Exception {
        Map<String, Object> e = Mkctl.run(List.of(args), new byte[0], env).error(6);
        assertThat(e).containsEntry("kind", "sim").containsEntry("errno", null).containsEntry("call", "sim");
        return e;
    }

    @Test
    void simulatorThatAnswersTheHandshakeSelectsSimMode() throws Exception {
        Path sock = peer(l -> l.equals("INFO") ? ok("protocol=1\ngeneration=current\nboot_id=x\n") : "BAD %\n");
        Map<String, Object> v = Mkctl.run(List.of("version"), new byte[0], Map.of("MKCTL_SIM_SOCKET", sock.toString()))
                .ok();
        assertThat(v).containsEntry("mode", "sim");
        assertThat(requests).containsExactly("INFO");
    }

    @Test
    void emptyVariableMeansRealMode() throws Exception {
        assertThat(Mkctl.run(List.of("version"), new byte[0], Map.of("MKCTL_SIM_SOCKET", ""))
                        .ok())
                .containsEntry("mode", "real");
    }

    @Test
    void missingSocketIsRefusedWithoutFallingBackToRealMode() throws Exception {
        Map<String, Object> e =
                refused(Map.of("MKCTL_SIM_SOCKET", tmp.resolve("none.sock").toString()), "version");
        assertThat((String) e.get("message")).contains("No such file or directory");
    }

    @Test
    void relativeSocketPathIsRefused() throws Exception {
        assertThat((String) refused(Map.of("MKCTL_SIM_SOCKET", "sim.sock"), "version")
                        .get("message"))
                .contains("absolute path");
    }

    @Test
    void regularFileIsRefused() throws Exception {
        Path f = Files.writeString(tmp.resolve("not-a-socket"), "INFO");
        assertThat((String) refused(Map.of("MKCTL_SIM_SOCKET", f.toString()), "version")
                        .get("message"))
                .contains("is not a unix socket");
    }

    @Test
    void testRootsCannotBeCombinedWithSimMode() throws Exception {
        Path sock = peer(l -> ok("protocol=1\ngeneration=current\n"));
        Map<String, Object> e =
                refused(Map.of("MKCTL_SIM_SOCKET", sock.toString()), "--sysfs-root", tmp.toString(), "state");
        assertThat((String) e.get("message")).contains("real-mode test aids");
        assertThat(requests).isEmpty();
    }

    @Test
    void peerThatRefusesInfoIsNotTheSimulator() throws Exception {
        Path sock = peer(l -> "ERR 38 ENOSYS %\n");
        assertThat((String) refused(Map.of("MKCTL_SIM_SOCKET", sock.toString()), "version")
                        .get("message"))
                .contains("it is not the multikernel simulator");
    }

    @Test
    void peerSpeakingAnotherProtocolVersionIsRefused() throws Exception {
        Path sock = peer(l -> ok("protocol=2\ngeneration=current\n"));
        assertThat((String) refused(Map.of("MKCTL_SIM_SOCKET", sock.toString()), "version")
                        .get("message"))
                .contains("does not identify as the multikernel simulator speaking protocol 1");
    }

    @Test
    void peerWithoutGenerationIsRefused() throws Exception {
        Path sock = peer(l -> ok("protocol=1\n"));
        refused(Map.of("MKCTL_SIM_SOCKET", sock.toString()), "version");
    }

    @Test
    void peerThatAnswersGarbageIsRefused() throws Exception {
        Path sock = peer(l -> "HELLO\n");
        assertThat((String) refused(Map.of("MKCTL_SIM_SOCKET", sock.toString()), "version")
                        .get("message"))
                .contains("unknown reply");
    }

    @Test
    void simulatorVanishingMidCommandIsASimErrorNotAnEmptyAnswer() throws Exception {
        Path sock = peer(l -> l.equals("INFO") ? ok("protocol=1\ngeneration=current\n") : "!OK 100\nshort");
        Path lock = tmp.resolve("l");
        Mkctl.Result r = Mkctl.run(
                List.of("--lock", lock.toString(), "state"), new byte[0], Map.of("MKCTL_SIM_SOCKET", sock.toString()));
        Map<String, Object> e = r.error(6);
        assertThat(e).containsEntry("kind", "sim").containsEntry("operation", "state");
        assertThat((String) e.get("message")).contains("closed the connection");
        assertThat(requests).hasSize(2).first().isEqualTo("INFO");
    }
}
