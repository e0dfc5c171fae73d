package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link LineChannel} on the SSH transport against a real OpenSSH sshd. */
class LineChannelOpenSshTest {

    private static final Duration T = Duration.ofSeconds(20);

    private static OpenSshServer server;
    private static TestKeys keys;
    private static Path knownHosts;

    @BeforeAll
    static void start() throws Exception {
        OpenSshServer.ensureUsers();
        keys = TestKeys.get();
        server = OpenSshServer.start("lines");
        server.authorize("root", keys.ed25519);
        knownHosts = server.dir().resolve("known_hosts");
        Files.writeString(knownHosts, server.knownHostsLines());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ConnectionSpec spec() {
        return ConnectionSpec.builder("127.0.0.1")
                .port(server.port())
                .user("root")
                .auth(new AuthSource.PrivateKeyFile(keys.ed25519))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build();
    }

    static LineChannel open(HostTransport t, String command) throws HostException {
        return t.openChannel(ExecRequest.read(command, T)).orElseThrow();
    }

    /** A shell loop that writes its pid to {@code pidFile}, greets, and echoes each line. */
    static String echoLoop(Path pidFile) {
        return "echo $$ > " + Shell.quote(pidFile.toString())
                + "; echo hello; while IFS= read -r l; do echo \"got:$l\"; done";
    }

    static long pid(Path pidFile) throws Exception {
        waitFor(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!check.ok()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void manyExchangesOnOneExec() throws Exception {
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            HostTransport t = pool.transport(spec());
            Path pidFile = server.dir().resolve("many.pid");
            LineChannel c = open(t, echoLoop(pidFile));
            assertThat(c.readLine(T)).hasValue("hello");
            for (int i = 0; i < 50; i++) {
                ExecRequest.Access access = i % 2 == 0 ? ExecRequest.Access.READ : ExecRequest.Access.MUTATE;
                assertThat(c.exchange("line " + i + " \"quoted\" $HOME", access, T))
                        .isEqualTo("got:line " + i + " \"quoted\" $HOME");
            }
            assertThat(pool.stats().execs()).isEqualTo(1);
            assertThat(c.isOpen()).isTrue();
            long pid = pid(pidFile);
            c.close();
            assertThat(c.isOpen()).isFalse();
            waitFor(() -> !alive(pid));
        }
    }

    @Test
    void aCommandThatEndsWithoutAnAnswerIsALostAnswer() throws Exception {
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            HostTransport t = pool.transport(spec());
            LineChannel c = open(t, "read l; echo oops >&2; exit 3");
            Throwable lost = catchThrowable(() -> c.exchange("x", ExecRequest.Access.MUTATE, T));
            assertThat(lost)
                    .isInstanceOf(ConnectionLostException.class)
                    .hasMessageContaining("closed the command's channel without an answer")
                    .hasMessageContaining("whether it took effect is unknown");
            assertThat(c.isOpen()).isFalse();
            // the connection itself is fine
            assertThat(t.read("echo still", T).stdoutText().strip()).isEqualTo("still");
            assertThat(catchThrowable(() -> c.exchange("again", ExecRequest.Access.READ, T)))
                    .isInstanceOf(ConnectionLostException.class);
        }
    }

    @Test
    void anAnswerLateBeyondTheTimeoutIsATimeoutAndClosesTheChannel() throws Exception {
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            HostTransport t = pool.transport(spec());
            Path pidFile = server.dir().resolve("slow.pid");
            LineChannel c = open(
                    t,
                    "echo $$ > " + Shell.quote(pidFile.toString())
                            + "; while IFS= read -r l; do sleep 2; echo late; done");
            long pid = pid(pidFile);
            long t0 = System.nanoTime();
            Throwable timeout =
                    catchThrowable(() -> c.exchange("x", ExecRequest.Access.MUTATE, Duration.ofMillis(400)));
            assertThat(timeout).isInstanceOf(CommandTimeoutException.class).hasMessageContaining("effect is unknown");
            assertThat(((CommandTimeoutException) timeout).started()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(c.isOpen()).isFalse();
            waitFor(() -> !alive(pid));
        }
    }

    @Test
    void closingTheTransportClosesItsChannelsNotTheConnection() throws Exception {
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            HostTransport t = pool.transport(spec());
            Path pidFile = server.dir().resolve("close.pid");
            LineChannel c = open(t, echoLoop(pidFile));
            assertThat(c.readLine(T)).hasValue("hello");
            long pid = pid(pidFile);
            t.close();
            assertThat(c.isOpen()).isFalse();
            waitFor(() -> !alive(pid));
            assertThat(pool.connectedHosts()).hasSize(1);
            assertThat(pool.transport(spec()).read("echo ok", T).stdoutText().strip())
                    .isEqualTo("ok");
        }
    }
}
