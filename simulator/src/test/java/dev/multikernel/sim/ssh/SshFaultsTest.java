package dev.multikernel.sim.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.sim.kernel.InterfaceGeneration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSH-level faults, seen from real clients. */
class SshFaultsTest {

    @TempDir
    Path tmp;

    private KeyPair clientKey;
    private SimulatedHost host;
    private OpenSshClient client;

    @BeforeEach
    void startHost() throws IOException {
        Path keyFile = tmp.resolve("id_ed25519");
        clientKey = SshKeys.loadOrCreateEd25519(keyFile, "test@client");
        host = SimulatedHost.start(
                HostSpec.of("faulty", InterfaceGeneration.RFC_V2).withAuthorizedKeys(List.of(clientKey.getPublic())),
                tmp.resolve("faulty"));
        Path knownHosts = tmp.resolve("known_hosts");
        Files.writeString(knownHosts, host.knownHostsLine() + "\n");
        client = new OpenSshClient(keyFile, knownHosts);
    }

    @AfterEach
    void stopHost() throws IOException {
        host.close();
    }

    @Test
    void droppingAllConnectionsCutsALiveSessionAndKillsItsProcess() throws Exception {
        Process ssh = client.startSsh(host.port(), "root", "echo $$ > pid.tmp && mv pid.tmp pid; exec sleep 300");
        Path pidFile = host.homeOf("root").resolve("pid");
        awaitFile(pidFile);
        ProcessHandle remote = ProcessHandle.of(
                        Long.parseLong(Files.readString(pidFile).strip()))
                .orElseThrow();

        int dropped = host.sshFaults().dropAllConnections();

        assertThat(dropped).isEqualTo(1);
        assertThat(ssh.waitFor(30, TimeUnit.SECONDS))
                .as("ssh ended after the drop")
                .isTrue();
        assertThat(ssh.exitValue()).isEqualTo(255);
        assertThat(remote.onExit().get(30, TimeUnit.SECONDS).isAlive())
                .as("the remote command was killed with its connection")
                .isFalse();
        assertThat(client.ssh(host.port(), "root", "echo back").stdout()).isEqualTo("back\n");
    }

    @Test
    void aDropBeforeTheCommandStartsMeansItNeverRuns() {
        host.sshFaults().dropNextConnectionAtCommand(CommandDrop.BEFORE_START, "touch ran-once");

        OpenSshClient.Result unrelated = client.ssh(host.port(), "root", "echo unrelated");
        OpenSshClient.Result cut = client.ssh(host.port(), "root", "touch ran-once; echo done");
        OpenSshClient.Result again = client.ssh(host.port(), "root", "test -e ran-once && echo exists || echo absent");

        assertThat(unrelated.stdout()).isEqualTo("unrelated\n");
        assertThat(cut.exitCode()).isEqualTo(255);
        assertThat(cut.stdout()).isEmpty();
        assertThat(again.stdout()).as("the fault is consumed once").isEqualTo("absent\n");
    }

    @Test
    void aDropAfterTheCommandExitsLeavesItsEffectButNoAnswer() {
        host.sshFaults().dropNextConnectionAtCommand(CommandDrop.AFTER_EXIT, "");

        OpenSshClient.Result cut = client.ssh(host.port(), "root", "touch applied; echo done; exit 3");

        assertThat(cut.exitCode()).isEqualTo(255);
        assertThat(cut.stdout()).isEmpty();
        assertThat(host.homeOf("root").resolve("applied")).exists();
    }

    @Test
    void aByteBudgetCutsTheNextConnectionMidTransfer() {
        host.sshFaults().dropNextConnectionAfterBytes(64 * 1024);

        OpenSshClient.Result cut = client.ssh(host.port(), "root", "head -c 1000000 /dev/zero");
        OpenSshClient.Result next = client.ssh(host.port(), "root", "head -c 1000000 /dev/zero | wc -c");

        assertThat(cut.exitCode()).isEqualTo(255);
        assertThat(cut.stdoutBytes().length).isLessThan(64 * 1024);
        assertThat(next.stdout().strip()).as("only one connection is cut").isEqualTo("1000000");
    }

    @Test
    void aZeroByteBudgetCutsBeforeTheHandshake() {
        host.sshFaults().dropNextConnectionAfterBytes(0);

        OpenSshClient.Result cut = client.ssh(host.port(), "root", "echo never");

        assertThat(cut.exitCode()).isEqualTo(255);
        assertThat(cut.stdout()).isEmpty();
    }

    @Test
    void refusingClosesThePortButKeepsOpenSessions() throws Exception {
        try (SshClient sshd = SshClient.setUpDefaultClient()) {
            sshd.setServerKeyVerifier((session, address, key) -> KeyUtils.compareKeys(key, host.hostPublicKey()));
            sshd.start();
            try (ClientSession session = sshd.connect("root", "127.0.0.1", host.port())
                    .verify(Duration.ofSeconds(20))
                    .getSession()) {
                session.addPublicKeyIdentity(clientKey);
                session.auth().verify(Duration.ofSeconds(20));

                host.sshFaults().refuseConnectionsFor(Duration.ofMinutes(5));

                assertThatThrownBy(() -> new Socket().connect(host.address(), 5000))
                        .isInstanceOf(ConnectException.class);
                OpenSshClient.Result refused = client.ssh(host.port(), "root", "echo no");
                assertThat(refused.exitCode()).isEqualTo(255);
                assertThat(refused.stderr()).contains("Connection refused");
                assertThat(exec(session, "echo open session works")).isEqualTo("open session works\n");

                host.sshFaults().clear();

                assertThat(client.ssh(host.port(), "root", "echo reopened").stdout())
                        .isEqualTo("reopened\n");
            }
        }
    }

    @Test
    void refusalEndsByItself() throws Exception {
        host.sshFaults().refuseConnectionsFor(Duration.ofMillis(300));
        assertThatThrownBy(() -> new Socket().connect(host.address(), 5000)).isInstanceOf(ConnectException.class);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        boolean reopened = false;
        while (!reopened && System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", host.port()), 5000);
                reopened = true;
            } catch (ConnectException e) {
                Thread.sleep(50);
            }
        }
        assertThat(reopened).isTrue();
    }

    @Test
    void rebootCutsConnectionsAndChangesTheBootId() throws Exception {
        String before = host.kernel().bootId();
        Process ssh = client.startSsh(host.port(), "root", "touch started; sleep 60");
        awaitFile(host.homeOf("root").resolve("started"));

        String after = host.reboot();

        assertThat(after).isNotEqualTo(before).isEqualTo(host.kernel().bootId());
        assertThat(ssh.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ssh.exitValue()).isEqualTo(255);
    }

    private static String exec(ClientSession session, String command) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        session.executeRemoteCommand(command, out, System.err, StandardCharsets.UTF_8);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(file).as("the remote command started").exists();
    }
}
