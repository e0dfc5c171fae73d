package dev.multikernel.acceptance;

import static dev.multikernel.acceptance.harness.Workspace.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.acceptance.harness.Hcl;
import dev.multikernel.acceptance.harness.OpenSshHost;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.Workspace;
import dev.multikernel.provider.Main;
import dev.multikernel.provider.MultikernelProvider;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.kernel.KernelError;
import dev.tfjvm.testing.InProcessProvider;
import dev.tfjvm.testing.TerraformCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path through a real OpenSSH sshd: the provider logs in as root with OpenSSH's own
 * authentication and exec, uploads mkctl to root's home, and mkctl reaches the simulated kernel
 * behind it (sshd gives sessions MKCTL_SIM_SOCKET).
 */
class OpenSshIT {
    static Path dir;
    static OpenSshHost host;
    static MultikernelProvider provider;
    static InProcessProvider server;
    static Path clientKey;
    static Path knownHosts;
    static Path kernel;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "mkossh");
        clientKey = dir.resolve("id_ed25519");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "acceptance", "-f", clientKey.toString());
        host = OpenSshHost.start(
                dir.resolve("h"), InterfaceGeneration.CURRENT, Files.readString(Path.of(clientKey + ".pub")));
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, host.knownHostsLine() + "\n");
        kernel = dev.multikernel.acceptance.harness.KernelImage.write(dir.resolve("vmlinuz"));
        provider = new MultikernelProvider();
        server = InProcessProvider.start(provider, Main.SOURCE_ADDRESS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (provider != null) {
            provider.hosts().close();
        }
        if (host != null) {
            host.close();
        }
        run("rm", "-rf", dir.toString());
    }

    static Workspace workspace(String name) throws Exception {
        String header = SimulatedFleet.terraformBlock() + SimulatedFleet.providerConfig(clientKey, knownHosts);
        return new Workspace(Files.createDirectories(dir.resolve("ws-" + name)), server.reattachJson(), header);
    }

    @Test
    void theHostDataSourceReadsTheSimulatedKernelThroughOpenSsh() throws Exception {
        Workspace ws = workspace("read").main("""
                data "multikernel_host" "this" {
                  host = "%s"
                }
                output "boot_id" {
                  value = data.multikernel_host.this.boot_id
                }
                """.formatted(host.address()));
        expect(0, ws.apply());
        assertThat(ws.output("boot_id").asText()).isEqualTo(host.kernel().bootId());
        assertThat(host.log()).contains("Accepted publickey for root");
    }

    @Test
    void poolAndInstanceLifecycleThroughOpenSsh() throws Exception {
        String addr = host.address();
        Workspace ws = workspace("lifecycle")
                .main(Hcl.pool("this", addr, "4-7", "1GiB", 1)
                        + Hcl.instance("web", addr, """
                        name          = "web"
                        cpu_count     = 2
                        memory        = "256MiB"
                        %s
                        desired_state = "active"
                        depends_on    = [multikernel_pool.this]
                        """.formatted(Hcl.kernel(kernel))));
        expect(0, ws.apply());
        assertThat(ws.state().attr("multikernel_instance.web", "status")).isEqualTo("active");
        assertThat(status("web")).isEqualTo("active");

        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isZero();

        expect(0, ws.destroy());
        assertThat(host.kernel().list("/sys/fs/multikernel/instances")).isEmpty();
        assertThat(host.log()).contains("Accepted publickey for root");
    }

    static String status(String instance) throws KernelError {
        return new String(
                        host.kernel().read("/sys/fs/multikernel/instances/" + instance + "/status"),
                        StandardCharsets.UTF_8)
                .strip();
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
    }
}
