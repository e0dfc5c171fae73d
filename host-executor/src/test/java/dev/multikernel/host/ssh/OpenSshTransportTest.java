package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSH transport against a real OpenSSH sshd: authentication, exec semantics, pooling, limits. */
class OpenSshTransportTest {

    private static final Duration T = Duration.ofSeconds(20);

    private static OpenSshServer server;
    private static TestKeys keys;
    private static Path knownHosts;
    private static SshConnectionPool pool;

    @BeforeAll
    static void start() throws Exception {
        OpenSshServer.ensureUsers();
        keys = TestKeys.get();
        server = OpenSshServer.start("transport");
        for (Path k : List.of(
                keys.ed25519, keys.ecdsa, keys.rsa, keys.rsaPem, keys.ed25519Encrypted, keys.ecdsaPemEncrypted)) {
            server.authorize("root", k);
        }
        server.authorize(OpenSshServer.USER, keys.rsa);
        knownHosts = server.dir().resolve("known_hosts");
        Files.writeString(knownHosts, server.knownHostsLines());
        pool = SshConnectionPool.create();
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static ConnectionSpec.Builder spec(String user, AuthSource... auth) {
        return ConnectionSpec.builder("127.0.0.1")
                .port(server.port())
                .user(user)
                .auth(auth)
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)));
    }

    private static String run(SshConnectionPool p, ConnectionSpec spec, String command) throws Exception {
        ExecResult r = p.transport(spec).read(command, T);
        assertThat(r.exitStatus()).as(r.stderrText()).isZero();
        return r.stdoutText().strip();
    }

    @ParameterizedTest
    @ValueSource(strings = {"id_ed25519", "id_ecdsa", "id_rsa", "id_rsa_pem"})
    void logsInWithEachKeyType(String keyName) throws Exception {
        try (SshConnectionPool p = SshConnectionPool.create()) {
            ConnectionSpec s = spec("root", new AuthSource.PrivateKeyFile(keys.dir.resolve(keyName)))
                    .build();
            assertThat(run(p, s, "id -un")).isEqualTo("root");
        }
        assertThat(server.logText()).contains("Accepted publickey for root");
    }

    @Test
    void rsaKeysSignWithSha2() throws Exception {
        try (SshConnectionPool p = SshConnectionPool.create()) {
            ConnectionSpec s =
                    spec("root", new AuthSource.PrivateKeyFile(keys.rsa)).build();
            assertThat(run(p, s, "echo ok")).isEqualTo("ok");
        }
        // OpenSSH logs the signature algorithm it accepted; SHA-1 ("ssh-rsa") is never offered
        assertThat(server.logText()).contains("Accepted publickey for root").contains("RSA SHA256:");
    }

    @Test
    void decryptsEncryptedKeysWithTheirPassphrase() throws Exception {
        for (Path key : List.of(keys.ed25519Encrypted, keys.ecdsaPemEncrypted)) {
            try (SshConnectionPool p = SshConnectionPool.create()) {
                ConnectionSpec s = spec("root", new AuthSource.PrivateKeyFile(key, TestKeys.PASSPHRASE))
                        .build();
                assertThat(run(p, s, "id -un")).isEqualTo("root");
            }
        }
    }

    @Test
    void anEncryptedKeyWithoutPassphraseIsAClearLocalError() {
        ConnectionSpec s = spec("root", new AuthSource.PrivateKeyFile(keys.ed25519Encrypted))
                .build();
        assertThatThrownBy(() -> pool.transport(s).read("true", T))
                .isInstanceOf(LocalConfigurationException.class)
                .hasMessageContaining("is encrypted")
                .hasMessageContaining("passphrase");
    }

    @Test
    void aWrongPassphraseIsAClearLocalError() {
        ConnectionSpec s = spec("root", new AuthSource.PrivateKeyFile(keys.ed25519Encrypted, "wrong"))
                .build();
        assertThatThrownBy(() -> pool.transport(s).read("true", T))
                .isInstanceOf(LocalConfigurationException.class)
                .hasMessageContaining("passphrase is wrong");
    }

    @Test
    void aMissingKeyFileIsAClearLocalError() {
        ConnectionSpec s = spec("root", new AuthSource.PrivateKeyFile(keys.dir.resolve("nope")))
                .build();
        assertThatThrownBy(() -> pool.transport(s).read("true", T))
                .isInstanceOf(LocalConfigurationException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void acceptsAKeyGivenAsText() throws Exception {
        String text = Files.readString(keys.ecdsa);
        ConnectionSpec s = spec("root", new AuthSource.PrivateKeyText("ci-secret", text, java.util.Optional.empty()))
                .build();
        assertThat(run(pool, s, "id -un")).isEqualTo("root");
        assertThat(s.auth().get(0).toString()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void anUnauthorizedKeyFailsAuthenticationAndSaysWhatWasTried() {
        ConnectionSpec s =
                spec("root", new AuthSource.PrivateKeyFile(keys.stranger)).build();
        String fp = TestKeys.fingerprintOf(Path.of(keys.stranger + ".pub"));
        assertThatThrownBy(() -> pool.transport(s).read("true", T))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining(fp)
                .hasMessageContaining("authorized_keys")
                .satisfies(e -> assertThat(((HostException) e).isTransient()).isFalse());
    }

    @Test
    void logsInWithAPasswordWhenConfigured() throws Exception {
        ConnectionSpec s = spec(OpenSshServer.USER, new AuthSource.Password(OpenSshServer.USER + "-pw"))
                .build();
        assertThat(run(pool, s, "id -un")).isEqualTo(OpenSshServer.USER);
        assertThat(s.toString()).doesNotContain(OpenSshServer.USER + "-pw");
    }

    @Test
    void usesKeysHeldByAnSshAgent() throws Exception {
        Path sock = server.dir().resolve("agent.sock");
        String out = Cmd.ok("ssh-agent", "-s", "-a", sock.toString());
        String pid = out.replaceAll("(?s).*SSH_AGENT_PID=(\\d+).*", "$1");
        try {
            Map<String, String> env = Map.of("SSH_AUTH_SOCK", sock.toString());
            Cmd.ok(List.of("ssh-add", keys.ecdsa.toString(), keys.rsa.toString()), env, null);
            AuthSource agent = new AuthSource.Agent(java.util.Optional.of(sock));
            try (SshConnectionPool p = SshConnectionPool.create()) {
                assertThat(run(p, spec("root", agent).build(), "id -un")).isEqualTo("root");
                // this user accepts only the RSA key: the agent signs with rsa-sha2
                assertThat(run(p, spec(OpenSshServer.USER, agent).build(), "id -un"))
                        .isEqualTo(OpenSshServer.USER);
            }
        } finally {
            Cmd.run(List.of("kill", pid), Map.of(), null);
        }
    }

    @Test
    void aMissingAgentSocketIsAClearLocalError() {
        AuthSource agent =
                new AuthSource.Agent(java.util.Optional.of(server.dir().resolve("no-agent.sock")));
        assertThatThrownBy(() -> pool.transport(spec("root", agent).build()).read("true", T))
                .isInstanceOf(LocalConfigurationException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void aClosedPortIsUnreachableNotMissing() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ConnectionSpec s = ConnectionSpec.builder("127.0.0.1")
                .port(closed)
                .user("root")
                .auth(new AuthSource.PrivateKeyFile(keys.ed25519))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build();
        assertThatThrownBy(() -> pool.transport(s).read("true", T))
                .isInstanceOf(HostUnreachableException.class)
                .hasMessageContaining("connection refused")
                .satisfies(e -> assertThat(((HostException) e).isTransient()).isTrue());
    }

    @Test
    void anUnresolvableNameIsUnreachable() {
        ConnectionSpec s = ConnectionSpec.builder("no-such-host.invalid")
                .user("root")
                .auth(new AuthSource.PrivateKeyFile(keys.ed25519))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build();
        assertThatThrownBy(() -> pool.transport(s).read("true", T))
                .isInstanceOf(HostUnreachableException.class)
                .hasMessageContaining("cannot be resolved");
    }

    @Test
    void sendsStdinAndReturnsExitStatusAndStderr() throws Exception {
        HostTransport t = pool.transport(
                spec("root", new AuthSource.PrivateKeyFile(keys.ed25519)).build());
        byte[] blob = new byte[1 << 20];
        new Random(7).nextBytes(blob);
        ExecResult r = t.exec(ExecRequest.mutate("sha256sum", blob, T));
        assertThat(r.stdoutText()).startsWith(sha256(blob));
        ExecResult failed = t.read("echo out; echo err >&2; exit 3", T);
        assertThat(failed.exitStatus()).isEqualTo(3);
        assertThat(failed.stdoutText()).isEqualTo("out\n");
        assertThat(failed.stderrText()).isEqualTo("err\n");
        ExecResult echo = t.exec(ExecRequest.mutate("cat", "a'b\"c $x\n".getBytes(), T));
        assertThat(echo.stdoutText()).isEqualTo("a'b\"c $x\n");
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsAFailure() throws Exception {
        HostTransport t = pool.transport(
                spec("root", new AuthSource.PrivateKeyFile(keys.ed25519)).build());
        assertThatThrownBy(() -> t.exec(ExecRequest.mutate("sleep 5; echo done", new byte[0], Duration.ofMillis(700))))
                .isInstanceOf(CommandTimeoutException.class)
                .hasMessageContaining("effect is unknown")
                .satisfies(
                        e -> assertThat(((CommandTimeoutException) e).started()).isTrue());
        // the connection is still good afterwards
        assertThat(t.read("echo alive", T).stdoutText()).isEqualTo("alive\n");
    }

    @Test
    void outputBeyondTheLimitFailsTheCommand() throws Exception {
        SshConnectionPool.Options small = new SshConnectionPool.Options(2, 1, Duration.ZERO, 10_000);
        try (SshConnectionPool p = SshConnectionPool.create(small)) {
            HostTransport t = p.transport(
                    spec("root", new AuthSource.PrivateKeyFile(keys.ed25519)).build());
            assertThatThrownBy(() -> t.read("head -c 1000000 /dev/zero", T))
                    .isInstanceOf(RemoteCommandException.class)
                    .hasMessageContaining("10000 bytes");
        }
    }

    @Test
    void uploadsAtomicallyWithTheGivenMode() throws Exception {
        HostTransport t = pool.transport(
                spec("root", new AuthSource.PrivateKeyFile(keys.ed25519)).build());
        byte[] blob = new byte[200_000];
        new Random(3).nextBytes(blob);
        String path = server.dir().resolve("up dir/it's.bin").toString();
        t.upload(blob, path, 0755, T);
        assertThat(t.read("sha256sum < " + Shell.quote(path), T).stdoutText()).startsWith(sha256(blob));
        assertThat(t.read("stat -c %a " + Shell.quote(path), T).stdoutText().strip())
                .isEqualTo("755");
        assertThat(t.read("ls " + Shell.quote(server.dir().resolve("up dir").toString()), T)
                        .stdoutText()
                        .strip())
                .isEqualTo("it's.bin");
    }

    @Test
    void oneConnectionServesManyCommands() throws Exception {
        try (SshConnectionPool p = SshConnectionPool.create()) {
            ConnectionSpec s =
                    spec("root", new AuthSource.PrivateKeyFile(keys.ed25519)).build();
            for (int i = 0; i < 15; i++) {
                assertThat(run(p, s, "echo " + i)).isEqualTo(String.valueOf(i));
            }
            assertThat(p.stats().connectionsOpened()).isEqualTo(1);
            assertThat(p.stats().execs()).isEqualTo(15);
            // a second handle on the same host shares the connection
            assertThat(run(p, s, "echo again")).isEqualTo("again");
            assertThat(p.stats().connectionsOpened()).isEqualTo(1);
            assertThat(p.connectedHosts()).containsExactly("root@127.0.0.1:" + server.port());
        }
    }

    @Test
    void boundsConcurrentCommandsAndSerialisesMutations() throws Exception {
        Path log = server.dir().resolve("concurrency.log");
        String cmd = "echo + >> " + log + "; sleep 0.3; echo - >> " + log;
        SshConnectionPool.Options opts = SshConnectionPool.Options.DEFAULTS.withMaxChannelsPerHost(2);
        try (SshConnectionPool p = SshConnectionPool.create(opts)) {
            HostTransport t = p.transport(
                    spec("root", new AuthSource.PrivateKeyFile(keys.ed25519)).build());
            t.read("true", T);
            assertThat(maxOverlap(t, log, () -> ExecRequest.read(cmd, T))).isBetween(1, 2);
            assertThat(maxOverlap(t, log, () -> ExecRequest.mutate(cmd, new byte[0], T)))
                    .isEqualTo(1);
        }
    }

    private static int maxOverlap(HostTransport t, Path log, java.util.function.Supplier<ExecRequest> request)
            throws Exception {
        Files.deleteIfExists(log);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<ExecResult>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fs.add(pool.submit(() -> t.exec(request.get())));
            }
            for (Future<ExecResult> f : fs) {
                assertThat(f.get().exitStatus()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
        int level = 0;
        int max = 0;
        for (String line : Files.readAllLines(log)) {
            level += line.equals("+") ? 1 : -1;
            max = Math.max(max, level);
        }
        return max;
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
