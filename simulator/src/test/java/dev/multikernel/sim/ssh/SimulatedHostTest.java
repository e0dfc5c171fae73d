package dev.multikernel.sim.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.sim.kernel.InterfaceGeneration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A simulated host, reached with Debian's OpenSSH clients exactly as a user would. */
class SimulatedHostTest {

    @TempDir
    Path tmp;

    private KeyPair clientKey;
    private Path keyFile;
    private Path knownHosts;
    private SimulatedHost host;
    private OpenSshClient client;

    @BeforeEach
    void startHost() throws IOException {
        keyFile = tmp.resolve("id_ed25519");
        clientKey = SshKeys.loadOrCreateEd25519(keyFile, "test@client");
        host = SimulatedHost.start(spec(0), tmp.resolve("sim-1"));
        knownHosts = tmp.resolve("known_hosts");
        Files.writeString(knownHosts, host.knownHostsLine() + "\n");
        client = new OpenSshClient(keyFile, knownHosts);
    }

    private HostSpec spec(int port) {
        return HostSpec.of("sim-1", InterfaceGeneration.CURRENT)
                .withPort(port)
                .withAuthorizedKeys(List.of(clientKey.getPublic()));
    }

    @AfterEach
    void stopHost() throws IOException {
        host.close();
    }

    @Test
    void relaysStdoutStderrAndExitStatusExactly() {
        OpenSshClient.Result r = client.ssh(
                host.port(), "root", "printf 'out line\\n'; printf 'err line\\n' >&2; printf 'no newline'; exit 7");

        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("out line\nno newline");
        assertThat(r.stderr()).isEqualTo("err line\n");
    }

    @Test
    void relaysStdinAndBinaryDataUnchanged() {
        byte[] data = new byte[300_000];
        new Random(42).nextBytes(data);

        OpenSshClient.Result r = client.ssh(host.port(), "root", "cat", data);

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdoutBytes()).isEqualTo(data);
    }

    @Test
    void commandsSeeTheKernelSocketAndRunInTheUsersHome() {
        OpenSshClient.Result r = client.ssh(
                host.port(),
                "root",
                "echo \"$MKCTL_SIM_SOCKET\"; test -S \"$MKCTL_SIM_SOCKET\" && echo is-socket; "
                        + "echo \"$MULTIKERNEL_SIM_HOST\"; pwd; echo \"$HOME\"");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().toList())
                .containsExactly(
                        host.kernelSocket().toString(),
                        "is-socket",
                        "sim-1",
                        host.homeOf("root").toString(),
                        host.homeOf("root").toString());
    }

    @Test
    void clientEnvironmentIsPassedOnButCannotRedirectTheKernelSocket() {
        List<String> argv = new java.util.ArrayList<>(List.of("ssh"));
        argv.addAll(client.commonOptions());
        argv.addAll(List.of(
                "-o",
                "SetEnv=GREETING=hello MKCTL_SIM_SOCKET=/tmp/elsewhere HOME=/",
                "-p",
                Integer.toString(host.port()),
                "root@127.0.0.1",
                "echo \"$GREETING $MKCTL_SIM_SOCKET $HOME\""));

        OpenSshClient.Result r = OpenSshClient.run(argv, new byte[0]);

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("hello " + host.kernelSocket() + " " + host.homeOf("root") + "\n");
    }

    @Test
    void anUnprivilegedUserBecomesPrivilegedThroughSudo() {
        OpenSshClient.Result r = client.ssh(
                host.port(), "admin", "echo \"$USER $MKCTL_SIM_UID\"; sudo -n sh -c 'echo \"$MKCTL_SIM_UID\"'; pwd");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().toList())
                .containsExactly("admin 1000", "0", host.homeOf("admin").toString());
    }

    @Test
    void anInteractiveLoginGetsATerminalAndThePromptNamesTheSimulatedHost() {
        List<String> argv = new java.util.ArrayList<>(List.of("ssh"));
        argv.addAll(client.commonOptions());
        argv.addAll(List.of("-tt", "-p", Integer.toString(host.port()), "root@127.0.0.1"));

        OpenSshClient.Result r = OpenSshClient.run(
                argv, "tty\necho \"[$MULTIKERNEL_SIM_HOST]\"\nexit 5\n".getBytes(StandardCharsets.UTF_8));

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(5);
        assertThat(r.stdout()).contains("/dev/pts/").contains("[sim-1]").contains("@sim-1:");
    }

    @Test
    void scpUploadsOverSftpAndOverTheLegacyProtocol() throws IOException {
        Path local = tmp.resolve("mkctl");
        Files.writeString(local, "#!/bin/sh\necho \"helper ran: $1\"\n");
        Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(client.ssh(host.port(), "root", "mkdir -p .cache/multikernel")
                        .exitCode())
                .isZero();

        OpenSshClient.Result sftpMode =
                client.scpUpload(host.port(), "root", List.of("-p"), local, ".cache/multikernel/mkctl");
        OpenSshClient.Result legacy =
                client.scpUpload(host.port(), "root", List.of("-O", "-p"), local, ".cache/multikernel/mkctl-legacy");

        assertThat(sftpMode.exitCode()).as(sftpMode.stderr()).isZero();
        assertThat(legacy.exitCode()).as(legacy.stderr()).isZero();
        Path uploaded = host.homeOf("root").resolve(".cache/multikernel/mkctl");
        assertThat(uploaded).hasSameTextualContentAs(local);
        assertThat(host.homeOf("root").resolve(".cache/multikernel/mkctl-legacy"))
                .hasSameTextualContentAs(local);
        OpenSshClient.Result run = client.ssh(host.port(), "root", "~/.cache/multikernel/mkctl probe");
        assertThat(run.stdout()).isEqualTo("helper ran: probe\n");
    }

    @Test
    void sftpBatchSeesTheSameFilesAsCommands() throws IOException {
        Path local = tmp.resolve("payload.bin");
        byte[] data = new byte[70_000];
        new Random(7).nextBytes(data);
        Files.write(local, data);

        OpenSshClient.Result r = client.sftpBatch(
                host.port(),
                "root",
                String.join(
                        "\n",
                        "mkdir helper",
                        "put " + local + " helper/payload.bin",
                        "chmod 700 helper/payload.bin",
                        "ls helper",
                        ""));

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("helper/payload.bin");
        OpenSshClient.Result check =
                client.ssh(host.port(), "root", "stat -c %a helper/payload.bin; cksum < helper/payload.bin");
        OpenSshClient.Result localSum = OpenSshClient.run(List.of("sh", "-c", "cksum < " + local), new byte[0]);
        assertThat(check.stdout()).isEqualTo("700\n" + localSum.stdout());
    }

    @Test
    void aKeyNotAuthorizedIsRefused() throws IOException {
        Path otherKey = tmp.resolve("other_ed25519");
        SshKeys.loadOrCreateEd25519(otherKey, "intruder");

        OpenSshClient.Result r = new OpenSshClient(otherKey, knownHosts).ssh(host.port(), "root", "echo in");

        assertThat(r.exitCode()).isEqualTo(255);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("Permission denied (publickey)");
    }

    @Test
    void anUnknownUserIsRefused() {
        OpenSshClient.Result r = client.ssh(host.port(), "nobody", "echo in");

        assertThat(r.exitCode()).isEqualTo(255);
        assertThat(r.stderr()).contains("Permission denied");
    }

    @Test
    void knownHostsStaysValidAfterARestartOnTheSameStateDir() throws IOException {
        int port = host.port();
        String fingerprint = host.hostKeyFingerprint();
        host.close();

        host = SimulatedHost.start(spec(port), tmp.resolve("sim-1"));

        assertThat(host.hostKeyFingerprint()).isEqualTo(fingerprint);
        OpenSshClient.Result r = client.ssh(port, "root", "echo still trusted");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("still trusted\n");
    }

    @Test
    void aChangedHostKeyIsRejectedByTheClient() throws IOException {
        Files.writeString(
                knownHosts,
                "[127.0.0.1]:" + host.port() + " " + SshKeys.publicKeyLine(clientKey.getPublic(), "") + "\n",
                StandardCharsets.UTF_8);

        OpenSshClient.Result r = client.ssh(host.port(), "root", "echo in");

        assertThat(r.exitCode()).isEqualTo(255);
        assertThat(r.stderr()).containsIgnoringCase("host key");
    }
}
