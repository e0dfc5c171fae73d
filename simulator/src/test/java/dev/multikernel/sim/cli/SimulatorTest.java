package dev.multikernel.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multikernel.sim.kernel.BzImage;
import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.FaultInjector;
import dev.multikernel.sim.kernel.Operation;
import dev.multikernel.sim.ssh.OpenSshClient;
import dev.multikernel.sim.ssh.SimulatedHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator in-process: generated files, restarts, and the admin commands' effect on the models. */
class SimulatorTest {

    @TempDir
    Path tmp;

    private Simulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private Simulator start(SimulatorOptions options) throws IOException {
        sim = Simulator.start(options, w -> {});
        return sim;
    }

    private StateDir state() {
        return new StateDir(tmp.resolve("state"));
    }

    @Test
    void writesKeysKnownHostsSshConfigAndHostsJson() throws IOException {
        start(SimulatorOptions.defaults(state(), 3).withGeneration(GenerationChoice.MIXED));
        StateDir dir = state();

        assertThat(Files.readString(dir.privateKey())).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.privateKey())))
                .isEqualTo("rw-------");
        assertThat(Files.readString(dir.publicKey())).startsWith("ssh-ed25519 ");
        List<String> known = Files.readAllLines(dir.knownHosts()).stream()
                .filter(l -> !l.startsWith("#"))
                .toList();
        assertThat(known).hasSize(3);
        for (SimulatedHost h : sim.hosts()) {
            assertThat(known).contains(h.knownHostsLine());
            assertThat(h.knownHostsLine()).startsWith("[127.0.0.1]:" + h.port() + " ssh-ed25519 ");
        }
        JsonNode hosts = StateFiles.JSON.readTree(dir.hostsJson().toFile());
        assertThat(hosts.path("hosts")).hasSize(3);
        assertThat(hosts.path("hosts").findValuesAsText("generation")).containsExactly("current", "rfc-v2", "current");
        assertThat(hosts.path("hosts").findValuesAsText("name")).containsExactly("sim-1", "sim-2", "sim-3");
        assertThat(hosts.path("hosts").get(1).path("port").asInt())
                .isEqualTo(sim.hosts().get(1).port());
        assertThat(hosts.path("hosts").get(1).path("kernelSocket").asText())
                .isEqualTo(sim.hosts().get(1).kernelSocket().toString());

        // The ssh_config alone is enough for OpenSSH.
        OpenSshClient.Result r = OpenSshClient.run(
                List.of(
                        "ssh",
                        "-F",
                        dir.sshConfig().toString(),
                        "-o",
                        "BatchMode=yes",
                        "sim-2",
                        "echo $MULTIKERNEL_SIM_HOST"),
                new byte[0]);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("sim-2\n");
    }

    @Test
    void everyHostGetsATestKernelImageTheKexecLoaderAccepts() throws Exception {
        start(SimulatorOptions.defaults(state(), 2).withGeneration(GenerationChoice.MIXED));
        StateDir dir = state();
        JsonNode hosts = StateFiles.JSON.readTree(dir.hostsJson().toFile());
        JsonNode module = StateFiles.JSON.readTree(
                dir.terraformModule().resolve("main.tf.json").toFile());
        for (SimulatedHost h : sim.hosts()) {
            Path image = dir.kernelImage(h.name());
            assertThat(image).isEqualTo(h.stateDir().resolve("boot/vmlinuz"));
            byte[] bytes = Files.readAllBytes(image);
            // the checks the simulated kexec_file_load makes, with a command line of 100 bytes
            BzImage header = BzImage.probe(java.util.Arrays.copyOf(bytes, BzImage.HEADER_BYTES), bytes.length);
            header.checkLoad(bytes.length, 100);
            assertThat(header.version()).isEqualTo(0x020F);
            assertThat(module.at("/output/hosts/value/" + h.name() + "/kernel_image")
                            .asText())
                    .isEqualTo(image.toString());
        }
        assertThat(hosts.path("hosts").findValuesAsText("kernelImage"))
                .containsExactly(
                        dir.kernelImage("sim-1").toString(),
                        dir.kernelImage("sim-2").toString());

        // a file that is not a bzImage fails the same checks, so the ones above could fail
        byte[] broken = SimKernelImage.bytes();
        broken[BzImage.OFFSET_HEADER] = 'X';
        assertThatThrownBy(() -> BzImage.probe(java.util.Arrays.copyOf(broken, BzImage.HEADER_BYTES), broken.length))
                .hasMessageContaining("HdrS");

        // a restart on the same state directory writes it again
        sim.close();
        Files.delete(dir.kernelImage("sim-2"));
        start(SimulatorOptions.defaults(state(), 2));
        assertThat(dir.kernelImage("sim-2")).exists();
    }

    @Test
    void terraformReadsTheGeneratedModule() throws IOException {
        start(SimulatorOptions.defaults(state(), 2));
        Path root = Files.createDirectories(tmp.resolve("tf"));
        Files.writeString(root.resolve("main.tf"), """
                module "sim" {
                  source = "%s"
                }
                output "port" {
                  value = module.sim.hosts["sim-2"].port
                }
                output "key" {
                  value = module.sim.private_key_file
                }
                """.formatted(state().terraformModule()));

        OpenSshClient.Result init = terraform(root, "init", "-input=false", "-no-color");
        OpenSshClient.Result apply = terraform(root, "apply", "-auto-approve", "-input=false", "-no-color");
        OpenSshClient.Result port = terraform(root, "output", "-raw", "port");
        OpenSshClient.Result key = terraform(root, "output", "-raw", "key");

        assertThat(init.exitCode()).as(init.stderr()).isZero();
        assertThat(apply.exitCode()).as(apply.stderr()).isZero();
        assertThat(port.stdout()).isEqualTo(Integer.toString(sim.hosts().get(1).port()));
        assertThat(key.stdout()).isEqualTo(state().privateKey().toString());
    }

    private OpenSshClient.Result terraform(Path dir, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("terraform", "-chdir=" + dir));
        argv.addAll(List.of(args));
        return OpenSshClient.run(argv, new byte[0]);
    }

    @Test
    void aRestartKeepsPortsAndHostKeysSoOldFilesStayValid() throws IOException {
        start(SimulatorOptions.defaults(state(), 2));
        String knownHosts = Files.readString(state().knownHosts());
        Path oldCopy = Files.writeString(tmp.resolve("known_hosts.copy"), knownHosts);
        sim.close();

        start(SimulatorOptions.defaults(state(), 2));

        assertThat(Files.readString(state().knownHosts())).isEqualTo(knownHosts);
        OpenSshClient client = new OpenSshClient(state().privateKey(), oldCopy);
        for (SimulatedHost h : sim.hosts()) {
            OpenSshClient.Result r = client.ssh(h.port(), "root", "echo ok");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
        }
    }

    @Test
    void aSecondSimulatorOnTheSameStateDirIsRefused() throws IOException {
        start(SimulatorOptions.defaults(state(), 1));

        assertThatThrownBy(() -> Simulator.start(SimulatorOptions.defaults(state(), 1), w -> {}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("already running")
                .hasMessageContaining("multikernel-sim stop --state-dir");
        CliRun cli = CliRun.of("start", "--state-dir", state().root().toString());
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.err()).contains("already running");
    }

    @Test
    void basePortAssignsConsecutivePorts() throws IOException {
        int base = freePortRange(2);
        start(SimulatorOptions.defaults(state(), 2).withBasePort(base));

        assertThat(sim.hosts()).extracting(SimulatedHost::port).containsExactly(base, base + 1);
    }

    @Test
    void kernelFaultCommandsArmTheHostsFaultInjector() {
        startQuietly(2);
        String dir = state().root().toString();

        CliRun failNext = CliRun.of(
                "fault",
                "fail-next",
                "--state-dir",
                dir,
                "--host",
                "sim-1",
                "--op",
                "write",
                "--path",
                "/sys/fs/multikernel/overlays/*",
                "--errno",
                "EBUSY",
                "--count",
                "2");
        CliRun halt = CliRun.of("fault", "halt-timeout", "--state-dir", dir, "--host", "all");
        CliRun quiesce = CliRun.of("fault", "halt-no-quiesce", "--state-dir", dir, "--host", "sim-2");
        CliRun slow = CliRun.of("fault", "slow", "--state-dir", dir, "--host", "sim-2", "--delay", "250ms");

        assertThat(List.of(failNext, halt, quiesce, slow))
                .allSatisfy(r -> assertThat(r.exitCode()).as(r.err()).isZero());
        FaultInjector f1 = sim.host("sim-1").orElseThrow().kernel().faults();
        FaultInjector f2 = sim.host("sim-2").orElseThrow().kernel().faults();
        assertThat(f1.rules())
                .containsExactly(
                        new FaultInjector.Rule(Operation.WRITE, "/sys/fs/multikernel/overlays/*", Errno.EBUSY, 2));
        assertThat(f2.rules()).isEmpty();
        assertThat(f1.haltTimesOut()).isTrue();
        assertThat(f2.haltTimesOut()).isTrue();
        assertThat(f1.haltCannotQuiesce()).isFalse();
        assertThat(f2.haltCannotQuiesce()).isTrue();
        assertThat(f2.slowReplies()).isEqualTo(Duration.ofMillis(250));
        assertThat(failNext.out()).contains("sim-1").contains("EBUSY");

        CliRun clear = CliRun.of("fault", "clear", "--state-dir", dir, "--host", "all");
        assertThat(clear.exitCode()).isZero();
        assertThat(f1.rules()).isEmpty();
        assertThat(f1.haltTimesOut()).isFalse();
        assertThat(f2.slowReplies()).isZero();
    }

    @Test
    void sshFaultCommandsReachTheHostsSshServer() throws Exception {
        startQuietly(1);
        String dir = state().root().toString();
        SimulatedHost host = sim.hosts().get(0);
        OpenSshClient client = new OpenSshClient(state().privateKey(), state().knownHosts());

        CliRun before = CliRun.of(
                "fault",
                "drop-ssh",
                "--state-dir",
                dir,
                "--host",
                "sim-1",
                "--at-command",
                "before",
                "--match",
                "touch x");
        OpenSshClient.Result cut = client.ssh(host.port(), "root", "touch x");
        CliRun bytes = CliRun.of("fault", "drop-ssh", "--state-dir", dir, "--host", "sim-1", "--after-bytes", "0");
        OpenSshClient.Result cutEarly = client.ssh(host.port(), "root", "echo hi");
        CliRun refuse = CliRun.of("fault", "refuse-ssh", "--state-dir", dir, "--host", "sim-1", "--for", "10m");
        OpenSshClient.Result refused = client.ssh(host.port(), "root", "echo hi");
        CliRun reopen = CliRun.of("fault", "refuse-ssh", "--state-dir", dir, "--host", "sim-1", "--for", "0");
        OpenSshClient.Result works = client.ssh(host.port(), "root", "test -e x || echo never-ran");

        assertThat(List.of(before, bytes, refuse, reopen))
                .allSatisfy(r -> assertThat(r.exitCode()).as(r.err()).isZero());
        assertThat(cut.exitCode()).isEqualTo(255);
        assertThat(cutEarly.exitCode()).isEqualTo(255);
        assertThat(refused.stderr()).contains("Connection refused");
        assertThat(works.stdout()).isEqualTo("never-ran\n");
    }

    @Test
    void adminErrorsAreClear() {
        startQuietly(2);
        String dir = state().root().toString();

        CliRun unknownHost = CliRun.of("reboot", "--state-dir", dir, "--host", "sim-9");
        CliRun badErrno = CliRun.of(
                "fault",
                "fail-next",
                "--state-dir",
                dir,
                "--host",
                "sim-1",
                "--op",
                "write",
                "--path",
                "/x",
                "--errno",
                "EWHATEVER");
        CliRun badDuration = CliRun.of("fault", "slow", "--state-dir", dir, "--host", "sim-1", "--delay", "soon");
        CliRun notRunning =
                CliRun.of("status", "--state-dir", tmp.resolve("nothing-here").toString());
        CliRun stopNotRunning =
                CliRun.of("stop", "--state-dir", tmp.resolve("nothing-here").toString());

        assertThat(unknownHost.exitCode()).isEqualTo(1);
        assertThat(unknownHost.err()).contains("no host 'sim-9'").contains("sim-1, sim-2");
        assertThat(badErrno.exitCode()).isEqualTo(1);
        assertThat(badErrno.err()).contains("unknown errno 'EWHATEVER'");
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.err()).contains("'soon' is not a duration");
        assertThat(notRunning.exitCode()).isEqualTo(Main.EXIT_NOT_RUNNING);
        assertThat(notRunning.err()).contains("no simulator is running");
        assertThat(stopNotRunning.exitCode()).isZero();
    }

    @Test
    void statusListsTheHostsWithTheirBootIds() {
        startQuietly(2);

        CliRun status =
                CliRun.of("status", "--json", "--state-dir", state().root().toString());

        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out())
                .contains("\"sim-1\"")
                .contains("\"sim-2\"")
                .contains(sim.hosts().get(0).kernel().bootId());
    }

    @Test
    void stopThroughTheAdminSocketReleasesTheOwner() throws Exception {
        startQuietly(1);
        Thread owner = new Thread(() -> {
            try {
                sim.awaitStopRequest();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sim.close();
        });
        owner.start();

        CliRun stop = CliRun.of("stop", "--state-dir", state().root().toString());

        owner.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(owner.isAlive()).isFalse();
        assertThat(state().adminSocket()).doesNotExist();
        assertThat(state().pidFile()).doesNotExist();
        assertThat(sim.hosts().get(0).kernelSocket()).doesNotExist();
    }

    private void startQuietly(int hosts) {
        try {
            start(SimulatorOptions.defaults(state(), hosts));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A base port with {@code n} free ports after it (best effort: bind and release). */
    private static int freePortRange(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (java.net.ServerSocket s =
                    new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                base = s.getLocalPort();
            }
            if (base + n > 65535) {
                continue;
            }
            boolean free = true;
            for (int p = base; p < base + n && free; p++) {
                try (java.net.ServerSocket s =
                        new java.net.ServerSocket(p, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no range of " + n + " free ports found");
    }
}
