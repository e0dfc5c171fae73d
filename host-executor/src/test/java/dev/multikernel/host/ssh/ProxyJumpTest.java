package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ProxyJump through a second sshd, configured explicitly and through an ssh config file. */
class ProxyJumpTest {

    private static final Duration T = Duration.ofSeconds(20);

    private static OpenSshServer bastion;
    private static OpenSshServer target;
    private static TestKeys keys;
    private static Path knownHosts;

    @BeforeAll
    static void start() throws Exception {
        OpenSshServer.ensureUsers();
        keys = TestKeys.get();
        // the bastion logs the tunnels it opens (DEBUG1), which proves the jump was used
        bastion = OpenSshServer.start("bastion", List.of("ed25519"), "DEBUG1");
        target = OpenSshServer.start("target", List.of("ecdsa"), "INFO");
        bastion.authorize(OpenSshServer.USER, keys.ecdsa);
        target.authorize("root", keys.ed25519);
        knownHosts = target.dir().resolve("known_hosts");
        Files.writeString(knownHosts, bastion.knownHostsLines() + target.knownHostsLines());
    }

    @AfterAll
    static void stop() {
        if (bastion != null) {
            bastion.close();
        }
        if (target != null) {
            target.close();
        }
    }

    private static ConnectionSpec bastionSpec(Path key) {
        return ConnectionSpec.builder("127.0.0.1")
                .port(bastion.port())
                .user(OpenSshServer.USER)
                .auth(new AuthSource.PrivateKeyFile(key))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build();
    }

    @Test
    void reachesTheTargetThroughTheBastionWithItsOwnCredentials() throws Exception {
        ConnectionSpec spec = ConnectionSpec.builder("127.0.0.1")
                .port(target.port())
                .user("root")
                .auth(new AuthSource.PrivateKeyFile(keys.ed25519))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .proxyJump(bastionSpec(keys.ecdsa))
                .build();
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            HostTransport t = pool.transport(spec);
            assertThat(t.describe()).contains("via " + OpenSshServer.USER + "@127.0.0.1:" + bastion.port());
            assertThat(t.read("id -un", T).stdoutText().strip()).isEqualTo("root");
            assertThat(t.read("echo again", T).stdoutText().strip()).isEqualTo("again");
            // one connection to the bastion, one to the target, both kept
            assertThat(pool.stats().connectionsOpened()).isEqualTo(2);
            assertThat(pool.connectedHosts()).hasSize(2);
        }
        assertThat(bastion.logText())
                .contains("Accepted publickey for " + OpenSshServer.USER)
                .containsPattern("direct-tcpip.*" + target.port() + "|" + "target 127.0.0.1 port " + target.port());
    }

    @Test
    void aBastionThatRefusesUsIsReportedAsTheBastionsFault() throws Exception {
        ConnectionSpec spec = ConnectionSpec.builder("127.0.0.1")
                .port(target.port())
                .user("root")
                .auth(new AuthSource.PrivateKeyFile(keys.ed25519))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .proxyJump(bastionSpec(keys.stranger))
                .build();
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            assertThatThrownBy(() -> pool.transport(spec).read("true", T))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("bastion " + OpenSshServer.USER + "@127.0.0.1:" + bastion.port());
        }
    }

    @Test
    void followsHostNameUserPortIdentityFileAndProxyJumpFromAnSshConfig() throws Exception {
        Path config = target.dir().resolve("ssh_config");
        Files.writeString(
                config,
                ""
                        + "Host jump\n"
                        + "  HostName 127.0.0.1\n"
                        + "  Port " + bastion.port() + "\n"
                        + "  User " + OpenSshServer.USER + "\n"
                        + "  IdentityFile " + keys.ecdsa + "\n"
                        + "\n"
                        + "Host db-*\n"
                        + "  HostName 127.0.0.1\n"
                        + "  Port " + target.port() + "\n"
                        + "  User root\n"
                        + "  IdentityFile " + keys.ed25519 + "\n"
                        + "  ProxyJump jump\n");
        ConnectionSpec spec = ConnectionSpec.builder("db-primary")
                .sshConfig(config)
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build();
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            HostTransport t = pool.transport(spec);
            assertThat(t.describe())
                    .startsWith("root@127.0.0.1:" + target.port() + " via " + OpenSshServer.USER + "@127.0.0.1:"
                            + bastion.port());
            assertThat(t.read("id -un", T).stdoutText().strip()).isEqualTo("root");
        }
    }

    @Test
    void followsAProxyJumpChainHopByHop() throws Exception {
        Path config = target.dir().resolve("ssh_config_chain");
        String bastionBlock = "  HostName 127.0.0.1\n  Port " + bastion.port() + "\n  User " + OpenSshServer.USER
                + "\n  IdentityFile " + keys.ecdsa + "\n";
        // two hops through the same bastion server: the second is reached through the first
        Files.writeString(
                config,
                "Host hop1\n" + bastionBlock + "\nHost hop2\n" + bastionBlock
                        + "\nHost chained\n  HostName 127.0.0.1\n  Port " + target.port() + "\n  User root\n"
                        + "  IdentityFile " + keys.ed25519 + "\n  ProxyJump hop1,hop2\n");
        ConnectionSpec spec = ConnectionSpec.builder("chained")
                .sshConfig(config)
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build();
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            HostTransport t = pool.transport(spec);
            assertThat(t.describe())
                    .endsWith(" via " + OpenSshServer.USER + "@127.0.0.1:" + bastion.port() + " via "
                            + OpenSshServer.USER + "@127.0.0.1:" + bastion.port());
            assertThat(t.read("id -un", T).stdoutText().strip()).isEqualTo("root");
            assertThat(pool.stats().connectionsOpened()).isEqualTo(3);
        }
    }

    @Test
    void explicitSettingsWinOverTheSshConfig() throws Exception {
        Path config = target.dir().resolve("ssh_config_user");
        Files.writeString(config, "Host tgt\n  HostName 127.0.0.1\n  Port " + target.port() + "\n  User nobody\n");
        ConnectionSpec spec = ConnectionSpec.builder("tgt")
                .sshConfig(config)
                .user("root")
                .auth(new AuthSource.PrivateKeyFile(keys.ed25519))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build();
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            assertThat(pool.transport(spec).read("id -un", T).stdoutText().strip())
                    .isEqualTo("root");
        }
    }
}
