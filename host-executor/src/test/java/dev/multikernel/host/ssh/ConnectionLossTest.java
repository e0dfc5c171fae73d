package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A connection killed on the server side in the middle of a command. */
class ConnectionLossTest {

    private static final Duration T = Duration.ofSeconds(30);

    private static OpenSshServer server;
    private static TestKeys keys;
    private static Path knownHosts;

    @BeforeAll
    static void start() throws Exception {
        keys = TestKeys.get();
        server = OpenSshServer.start("loss", List.of("ed25519"), "INFO");
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

    private static HostTransport transport(SshConnectionPool pool) throws Exception {
        return pool.transport(ConnectionSpec.builder("127.0.0.1")
                .port(server.port())
                .user("root")
                .auth(new AuthSource.PrivateKeyFile(keys.ed25519))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build());
    }

    /** Waits (bounded) until {@code marker} exists, then kills every sshd process serving a connection. */
    private static void killWhenStarted(Path marker) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(marker)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the command never started");
            }
            OpenSshServer.sleep(20);
        }
        server.killConnections();
    }

    @Test
    void aMutationCutOffIsAnErrorAndTheNextCommandReconnects() throws Exception {
        Path marker = server.dir().resolve("mutation-started");
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            HostTransport t = transport(pool);
            CompletableFuture<ExecResult> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return t.exec(ExecRequest.mutate("touch " + marker + "; sleep 25; echo finished", new byte[0], T));
                } catch (HostException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            killWhenStarted(marker);
            try {
                ExecResult r = running.get(25, TimeUnit.SECONDS);
                throw new AssertionError("a cut connection must not give a result, got " + r);
            } catch (ExecutionException e) {
                assertThat(e.getCause())
                        .isInstanceOf(ConnectionLostException.class)
                        .hasMessageContaining("unknown");
            }
            assertThat(pool.stats().readRetries()).isZero();
            assertThat(t.read("echo back", T).stdoutText()).isEqualTo("back\n");
            assertThat(pool.stats().connectionsOpened()).isEqualTo(2);
        }
    }

    @Test
    void aReadCutOffIsRetriedOnANewConnection() throws Exception {
        Path marker = server.dir().resolve("read-started");
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            HostTransport t = transport(pool);
            String cmd = "if [ -e " + marker + " ]; then echo second; else touch " + marker + "; sleep 25; fi";
            CompletableFuture<ExecResult> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return t.read(cmd, T);
                } catch (HostException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            killWhenStarted(marker);
            assertThat(running.get(25, TimeUnit.SECONDS).stdoutText()).isEqualTo("second\n");
            assertThat(pool.stats().readRetries()).isEqualTo(1);
            assertThat(pool.stats().connectionsOpened()).isEqualTo(2);
        }
    }
}
