package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Host key policies against a real OpenSSH sshd with ed25519, ECDSA and RSA host keys. */
class HostKeyVerificationTest {

    private static final Duration T = Duration.ofSeconds(20);

    private static OpenSshServer server;
    private static TestKeys keys;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        keys = TestKeys.get();
        server = OpenSshServer.start("hostkeys");
        server.authorize("root", keys.ed25519);
        dir = server.dir();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String connect(HostKeyPolicy policy) throws Exception {
        try (SshConnectionPool p = SshConnectionPool.create()) {
            ConnectionSpec spec = ConnectionSpec.builder("127.0.0.1")
                    .port(server.port())
                    .user("root")
                    .auth(new AuthSource.PrivateKeyFile(keys.ed25519))
                    .hostKeys(policy)
                    .build();
            return p.transport(spec).read("echo connected", T).stdoutText().strip();
        }
    }

    private static Path file(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    private static String line(String type) {
        return server.knownHostsLines()
                        .lines()
                        .filter(l -> l.contains(type))
                        .findFirst()
                        .orElseThrow() + "\n";
    }

    private static Set<String> serverFingerprints() {
        return Set.of(server.fingerprint("ed25519"), server.fingerprint("ecdsa"), server.fingerprint("rsa"));
    }

    @Test
    void acceptsAHostInKnownHosts() throws Exception {
        Path kh = file("kh-all", "# comment\n\n" + server.knownHostsLines());
        assertThat(connect(HostKeyPolicy.knownHosts(List.of(kh)))).isEqualTo("connected");
    }

    @Test
    void asksForTheKeyTypeOnRecordFirst() throws Exception {
        // only the RSA (or only the ECDSA) key is on record: the negotiation must pick that type
        assertThat(connect(HostKeyPolicy.knownHosts(List.of(file("kh-rsa", line("ssh-rsa"))))))
                .isEqualTo("connected");
        assertThat(connect(HostKeyPolicy.knownHosts(List.of(file("kh-ecdsa", line("ecdsa-sha2"))))))
                .isEqualTo("connected");
    }

    @Test
    void readsHashedKnownHosts() throws Exception {
        Path kh = file("kh-hashed", server.knownHostsLines());
        Cmd.ok("ssh-keygen", "-H", "-f", kh.toString());
        assertThat(Files.readString(kh)).startsWith("|1|").doesNotContain("127.0.0.1");
        assertThat(connect(HostKeyPolicy.knownHosts(List.of(kh)))).isEqualTo("connected");
    }

    @Test
    void looksAtEveryConfiguredFile() throws Exception {
        Path empty = file("kh-empty", "");
        Path missing = dir.resolve("kh-missing");
        Path good = file("kh-good", line("ssh-ed25519"));
        assertThat(connect(HostKeyPolicy.knownHosts(List.of(missing, empty, good))))
                .isEqualTo("connected");
    }

    @Test
    void anUnknownHostIsRefusedWithItsFingerprintAndWhatToDo() throws Exception {
        Path kh = file("kh-other-host", "[127.0.0.1]:1 " + line("ssh-ed25519").split(" ", 2)[1]);
        assertThatThrownBy(() -> connect(HostKeyPolicy.knownHosts(List.of(kh, dir.resolve("kh-none")))))
                .isInstanceOfSatisfying(HostKeyRejectedException.class, e -> {
                    assertThat(e.verdict()).isInstanceOf(HostKeyVerdict.Unknown.class);
                    assertThat(serverFingerprints()).contains(e.presentedFingerprint());
                    assertThat(e.getMessage())
                            .contains(e.presentedFingerprint())
                            .contains("ssh-keyscan -p " + server.port())
                            .contains("kh-none (missing)")
                            .contains("pin its fingerprint")
                            .as("the first configured file, not ~/.ssh/known_hosts")
                            .containsPattern("\n  - add it to a known_hosts file: ssh-keyscan -p " + server.port()
                                    + " -t [a-z0-9]+ 127.0.0.1 >> " + java.util.regex.Pattern.quote(kh.toString())
                                    + "\n")
                            .doesNotContain("~/.ssh/known_hosts");
                    assertThat(e.isTransient()).isFalse();
                });
    }

    @Test
    void aChangedKeyIsRefusedAndBothFingerprintsAreShown() throws Exception {
        Path otherKey = dir.resolve("other_host_key");
        if (!Files.exists(otherKey)) {
            Cmd.ok("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey.toString());
        }
        String[] other = TestKeys.publicLine(otherKey).split(" ");
        Path kh = file("kh-changed", "[127.0.0.1]:" + server.port() + " " + other[0] + " " + other[1] + "\n");
        String oldFp = TestKeys.fingerprintOf(Path.of(otherKey + ".pub"));
        assertThatThrownBy(() -> connect(HostKeyPolicy.knownHosts(List.of(kh))))
                .isInstanceOfSatisfying(HostKeyRejectedException.class, e -> {
                    assertThat(e.verdict()).isInstanceOf(HostKeyVerdict.Changed.class);
                    assertThat(e.presentedFingerprint()).isEqualTo(server.fingerprint("ed25519"));
                    assertThat(e.getMessage())
                            .contains("CHANGED")
                            .contains(oldFp)
                            .contains(server.fingerprint("ed25519"))
                            .contains("ssh-keygen -R '[127.0.0.1]:" + server.port() + "' -f " + kh)
                            .as("the file the old key is in, not ~/.ssh/known_hosts")
                            .contains("\n  - then add the new key: ssh-keyscan -p " + server.port()
                                    + " -t ed25519 127.0.0.1 >> " + kh)
                            .doesNotContain("~/.ssh/known_hosts");
                });
    }

    @Test
    void aRevokedKeyIsRefused() throws Exception {
        String ed = line("ssh-ed25519");
        Path kh = file("kh-revoked", ed + "@revoked * " + ed.split(" ", 2)[1]);
        assertThatThrownBy(() -> connect(HostKeyPolicy.knownHosts(List.of(kh))))
                .isInstanceOfSatisfying(
                        HostKeyRejectedException.class,
                        e -> assertThat(e.verdict()).isInstanceOf(HostKeyVerdict.Revoked.class))
                .hasMessageContaining("@revoked");
    }

    @Test
    void certificateAuthoritiesAloneDoNotMakeAHostKnown() throws Exception {
        Path kh = file("kh-ca", "@cert-authority * " + line("ssh-ed25519").split(" ", 2)[1]);
        assertThatThrownBy(() -> connect(HostKeyPolicy.knownHosts(List.of(kh))))
                .isInstanceOf(HostKeyRejectedException.class)
                .hasMessageContaining("host certificates are not supported");
    }

    @Test
    void pinnedFingerprintsAcceptOnlyThatKey() throws Exception {
        assertThat(connect(HostKeyPolicy.pinned(List.copyOf(serverFingerprints()))))
                .isEqualTo("connected");
        // a pin given as the public key line, as ssh-keyscan prints it
        assertThat(connect(HostKeyPolicy.pinned(List.of(TestKeys.publicLine(server.hostKey("ed25519"))))))
                .isEqualTo("connected");
        String stranger = TestKeys.fingerprintOf(Path.of(keys.stranger + ".pub"));
        assertThatThrownBy(() -> connect(HostKeyPolicy.pinned(List.of(stranger))))
                .isInstanceOfSatisfying(
                        HostKeyRejectedException.class,
                        e -> assertThat(e.verdict()).isInstanceOf(HostKeyVerdict.Changed.class))
                .hasMessageContaining(stranger)
                .hasMessageContaining("replace the pinned fingerprint");
    }

    @Test
    void trustOnFirstUseRecordsTheKeyThenChecksItStrictly() throws Exception {
        Path kh = dir.resolve("tofu/known_hosts");
        assertThat(connect(HostKeyPolicy.trustOnFirstUse(kh))).isEqualTo("connected");
        String recorded = Files.readString(kh);
        assertThat(recorded).startsWith("[127.0.0.1]:" + server.port() + " ");
        assertThat(Cmd.ok("stat", "-c", "%a", kh.toString()).strip()).isEqualTo("600");
        // now a strict policy on that file accepts the host, and TOFU adds nothing more
        assertThat(connect(HostKeyPolicy.knownHosts(List.of(kh)))).isEqualTo("connected");
        assertThat(connect(HostKeyPolicy.trustOnFirstUse(kh))).isEqualTo("connected");
        assertThat(Files.readString(kh)).isEqualTo(recorded);
        // and a changed key is still refused
        Path changed = file(
                "tofu-changed",
                "[127.0.0.1]:" + server.port() + " "
                        + TestKeys.publicLine(keys.stranger).split(" ", 3)[0] + " "
                        + TestKeys.publicLine(keys.stranger).split(" ", 3)[1] + "\n");
        assertThatThrownBy(() -> connect(HostKeyPolicy.trustOnFirstUse(changed)))
                .isInstanceOf(HostKeyRejectedException.class)
                .hasMessageContaining("CHANGED");
    }
}
