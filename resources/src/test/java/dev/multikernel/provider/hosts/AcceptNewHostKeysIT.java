package dev.multikernel.provider.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.provider.testing.SimulatedFleet;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.tfjvm.testing.TerraformCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code host_key_policy = "accept-new"} records a new host's key during {@code terraform plan}
 * (a data source reads the host then): the plan says so, once, with the file it wrote (issue #15).
 */
class AcceptNewHostKeysIT {
    @TempDir
    static Path work;

    static SimulatedFleet fleet;
    static SimulatedHost host;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start("mktofu");
        host = fleet.host("tofu", InterfaceGeneration.CURRENT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void aPlanThatRecordsAHostKeyWarnsThatItDid() throws Exception {
        Path knownHosts = work.resolve("tofu_known_hosts");
        Files.writeString(knownHosts, "");
        String address = SimulatedFleet.address(host);
        String lookup = "[127.0.0.1]:" + host.port();
        TerraformCli tf = fleet.terraform(work, "tofu");
        tf.file(
                "main.tf",
                fleet.providerBlock(knownHosts)
                                .replace(
                                        "use_agent         = false",
                                        "use_agent = false\n  host_key_policy = \"accept-new\"")
                        + """
                        data "multikernel_host" "this" {
                          host = "%s"
                        }
                        """.formatted(address));

        TerraformCli.Result plan = tf.expect(0, "plan", "-no-color", "-input=false");
        assertThat(Files.readString(knownHosts)).as("recorded by the plan").startsWith(lookup + " ");
        String output = plan.output().replaceAll("\\s*│\\s?", " ").replaceAll("\\s+", " ");
        assertThat(output)
                .contains("Warning: New host key recorded for " + lookup)
                .contains("host_key_policy = \"accept-new\": " + lookup + " was not in the known_hosts files, so its"
                        + " key ")
                .contains(" was added to " + knownHosts.toAbsolutePath() + " and is trusted from now on (trust on"
                        + " first use).")
                .contains("ssh-keygen -R '" + lookup + "' -f " + knownHosts.toAbsolutePath());

        TerraformCli.Result again = tf.expect(0, "plan", "-no-color", "-input=false");
        assertThat(again.output()).as("known now").doesNotContain("New host key recorded");
    }
}
