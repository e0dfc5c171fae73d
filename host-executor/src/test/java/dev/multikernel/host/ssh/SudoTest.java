package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Privileged commands as a non-root user through the real sudo. */
class SudoTest {

    private static final Duration T = Duration.ofSeconds(20);

    private static OpenSshServer server;
    private static TestKeys keys;
    private static SshConnectionPool pool;
    private static java.nio.file.Path knownHosts;

    @BeforeAll
    static void start() throws Exception {
        OpenSshServer.ensureUsers();
        keys = TestKeys.get();
        server = OpenSshServer.start("sudo", List.of("ed25519"), "INFO");
        server.authorize(OpenSshServer.USER, keys.ed25519);
        server.authorize(OpenSshServer.USER_WITHOUT_SUDO, keys.ed25519);
        server.authorize("root", keys.ed25519);
        knownHosts = server.dir().resolve("known_hosts");
        java.nio.file.Files.writeString(knownHosts, server.knownHostsLines());
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

    private static HostTransport as(String user, boolean sudo) throws Exception {
        return pool.transport(ConnectionSpec.builder("127.0.0.1")
                .port(server.port())
                .user(user)
                .auth(new AuthSource.PrivateKeyFile(keys.ed25519))
                .sudo(sudo)
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build());
    }

    @Test
    void privilegedCommandsRunAsRootThroughSudo() throws Exception {
        HostTransport t = as(OpenSshServer.USER, true);
        assertThat(t.exec(ExecRequest.read("id -u", T).asPrivileged())
                        .stdoutText()
                        .strip())
                .isEqualTo("0");
        // unprivileged commands stay with the login user
        assertThat(t.read("id -un", T).stdoutText().strip()).isEqualTo(OpenSshServer.USER);
        // stdin reaches the privileged command
        ExecResult cat =
                t.exec(ExecRequest.mutate("cat", "through sudo".getBytes(), T).asPrivileged());
        assertThat(cat.stdoutText()).isEqualTo("through sudo");
        // a guard runs unprivileged, before sudo
        ExecResult guarded = t.exec(ExecRequest.read("id -u", T).asPrivileged().withGuard("[ \"$(id -u)\" != 0 ]"));
        assertThat(guarded.stdoutText().strip()).isEqualTo("0");
    }

    @Test
    void sudoAskingForAPasswordIsAClearError() throws Exception {
        HostTransport t = as(OpenSshServer.USER_WITHOUT_SUDO, true);
        assertThatThrownBy(() -> t.exec(ExecRequest.read("id -u", T).asPrivileged()))
                .isInstanceOf(PrivilegeException.class)
                .hasMessageContaining("asks " + OpenSshServer.USER_WITHOUT_SUDO + " for a password")
                .hasMessageContaining("NOPASSWD: id")
                .hasMessageContaining("/etc/sudoers.d/");
    }

    @Test
    void rootNeedsNoSudo() throws Exception {
        HostTransport t = as("root", true);
        ExecResult r = t.exec(ExecRequest.read("ps -o comm= -p $PPID; id -u", T).asPrivileged());
        assertThat(r.stdoutText()).doesNotContain("sudo").endsWith("0\n");
    }

    @Test
    void withoutSudoPrivilegedCommandsRunAsTheUser() throws Exception {
        HostTransport t = as(OpenSshServer.USER, false);
        assertThat(t.exec(ExecRequest.read("id -un", T).asPrivileged())
                        .stdoutText()
                        .strip())
                .isEqualTo(OpenSshServer.USER);
    }
}
