package dev.multikernel.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multikernel.sim.client.SimClient;
import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.KernelError;
import dev.multikernel.sim.ssh.OpenSshClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code multikernel-sim} as a separate process: start, drive through the admin socket, stop. */
class SimulatorCliTest {

    private static final Duration READY = Duration.ofSeconds(90);
    private static final String BOOT_ID = "/proc/sys/kernel/random/boot_id";

    @TempDir
    Path tmp;

    @Test
    void startsMixedHostsThatAdminCommandsDriveAndStopsWithoutLeftovers() throws Exception {
        StateDir dir = new StateDir(tmp.resolve("state"));
        String stateDir = dir.root().toString();
        try (SimulatorProcess sim =
                SimulatorProcess.start("--hosts", "3", "--generation", "mixed", "--state-dir", stateDir)) {
            sim.awaitReady(READY);

            JsonNode hostsJson = StateFiles.JSON.readTree(dir.hostsJson().toFile());
            assertThat(hostsJson.path("pid").asLong()).isEqualTo(sim.process().pid());
            assertThat(hostsJson.path("hosts").findValuesAsText("generation"))
                    .containsExactly("current", "rfc-v2", "current");
            int[] ports = new int[3];
            Path[] sockets = new Path[3];
            for (int i = 0; i < 3; i++) {
                ports[i] = hostsJson.path("hosts").get(i).path("port").asInt();
                sockets[i] = Path.of(
                        hostsJson.path("hosts").get(i).path("kernelSocket").asText());
            }
            OpenSshClient ssh = new OpenSshClient(dir.privateKey(), dir.knownHosts());

            // Each host answers as itself, with its kernel socket in the environment.
            for (int i = 0; i < 3; i++) {
                OpenSshClient.Result r = ssh.ssh(
                        ports[i],
                        "root",
                        "echo $MULTIKERNEL_SIM_HOST; test -S \"$MKCTL_SIM_SOCKET\" && echo $MKCTL_SIM_SOCKET");
                assertThat(r.exitCode()).as(r.stderr()).isZero();
                assertThat(r.stdout()).isEqualTo("sim-" + (i + 1) + "\n" + sockets[i] + "\n");
            }

            // reboot: a new boot id on sim-1 only, read through the kernel.
            String before1 = readBootId(sockets[0]);
            String before2 = readBootId(sockets[1]);
            CliRun reboot = CliRun.of("reboot", "--state-dir", stateDir, "--host", "sim-1");
            assertThat(reboot.exitCode()).as(reboot.err()).isZero();
            String after1 = readBootId(sockets[0]);
            assertThat(after1).isNotEqualTo(before1);
            assertThat(reboot.out()).contains("sim-1 rebooted, boot id " + after1);
            assertThat(readBootId(sockets[1])).isEqualTo(before2);

            // fail-next: the next matching kernel access fails with the errno, once.
            CliRun fail = CliRun.of(
                    "fault",
                    "fail-next",
                    "--state-dir",
                    stateDir,
                    "--host",
                    "sim-2",
                    "--op",
                    "read",
                    "--path",
                    "/proc/sys/kernel/random/*",
                    "--errno",
                    "EIO");
            assertThat(fail.exitCode()).as(fail.err()).isZero();
            try (SimClient kernel = SimClient.connect(sockets[1])) {
                KernelError e = catchThrowableOfType(KernelError.class, () -> kernel.read(BOOT_ID));
                assertThat(e).isNotNull();
                assertThat(e.errno()).isEqualTo(Errno.EIO);
                assertThat(kernel.readString(BOOT_ID).strip()).isEqualTo(before2);
            }

            // drop-ssh: a live session is cut, and the command it ran dies with it.
            Process live = ssh.startSsh(ports[2], "root", "touch started; exec sleep 300");
            awaitFile(dir.hostDir("sim-3").resolve("home/root/started"));
            List<ProcessHandle> sessionProcesses = sim.descendants();
            assertThat(sessionProcesses).isNotEmpty();
            CliRun drop = CliRun.of("fault", "drop-ssh", "--state-dir", stateDir, "--host", "sim-3");
            assertThat(drop.exitCode()).as(drop.err()).isZero();
            assertThat(live.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(live.exitValue()).isEqualTo(255);
            for (ProcessHandle p : sessionProcesses) {
                assertThat(p.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            }

            // stop: the process ends by itself, cleanly, and takes its sockets with it.
            Process another = ssh.startSsh(ports[0], "root", "touch started-too; exec sleep 300");
            awaitFile(dir.hostDir("sim-1").resolve("home/root/started-too"));
            List<ProcessHandle> running = sim.descendants();
            CliRun stop = CliRun.of("stop", "--state-dir", stateDir);
            assertThat(stop.exitCode()).as(stop.err()).isZero();
            assertThat(sim.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(sim.process().exitValue()).isZero();
            assertThat(another.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(running).allSatisfy(p -> assertThat(p.isAlive()).isFalse());
            assertThat(dir.adminSocket()).doesNotExist();
            assertThat(dir.pidFile()).doesNotExist();
            assertThat(sockets).allSatisfy(s -> assertThat(s).doesNotExist());
            assertThat(sim.stderr()).contains("stopped");
            // What users keep using across runs stays.
            assertThat(dir.knownHosts()).exists();
            assertThat(dir.privateKey()).exists();
        }
    }

    @Test
    void sigtermStopsTheSimulatorCleanly() throws Exception {
        StateDir dir = new StateDir(tmp.resolve("state"));
        try (SimulatorProcess sim = SimulatorProcess.start(
                "--hosts",
                "1",
                "--generation",
                "rfc-v2",
                "--state-dir",
                dir.root().toString())) {
            sim.awaitReady(READY);
            JsonNode hostsJson = StateFiles.JSON.readTree(dir.hostsJson().toFile());
            int port = hostsJson.path("hosts").get(0).path("port").asInt();
            Path socket =
                    Path.of(hostsJson.path("hosts").get(0).path("kernelSocket").asText());
            Process live = new OpenSshClient(dir.privateKey(), dir.knownHosts())
                    .startSsh(port, "root", "touch started; exec sleep 300");
            awaitFile(dir.hostDir("sim-1").resolve("home/root/started"));
            List<ProcessHandle> running = sim.descendants();

            sim.process().destroy(); // SIGTERM

            assertThat(sim.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(live.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(running)
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(p.isAlive()).isFalse());
            assertThat(dir.adminSocket()).doesNotExist();
            assertThat(dir.pidFile()).doesNotExist();
            assertThat(socket).doesNotExist();
            assertThat(StopCommand.isLocked(dir)).isFalse();
        }
    }

    private static String readBootId(Path socket) throws Exception {
        try (SimClient kernel = SimClient.connect(socket)) {
            return kernel.readString(BOOT_ID).strip();
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(file).as("the remote command started").exists();
    }
}
