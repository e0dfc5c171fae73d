package dev.multikernel.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.acceptance.harness.Hcl;
import dev.multikernel.acceptance.harness.HostSnapshot;
import dev.multikernel.acceptance.harness.OutOfBand;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.Workspace;
import dev.tfjvm.testing.TerraformCli;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Configurations the host cannot take fail at plan time with diagnostics that name the attribute,
 * and neither plan nor apply touches the host.
 */
class ValidationIT {
    @RegisterExtension
    static final SimulatedFleet FLEET = SimulatedFleet.builder().current("va1").build();

    static String host;

    @BeforeAll
    static void aPool() {
        FLEET.resetAll();
        host = FLEET.address("va1");
        // the operator's pool, with an instance Terraform does not manage holding CPU 7
        OutOfBand oob = FLEET.outOfBand("va1");
        oob.createPool(List.of(4, 5, 6, 7), 1L << 30, 1);
        oob.createInstance("other", 9, List.of(7), 64L << 20);
    }

    /** Plans and applies {@code instances} next to the pool; both fail; the host is unchanged. */
    static String refused(String name, String instances) throws IOException {
        Workspace ws = FLEET.workspace(name).main(instances);
        HostSnapshot before = HostSnapshot.of(FLEET.host("va1"));
        TerraformCli.Result plan = ws.plan();
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
        TerraformCli.Result apply = ws.apply();
        assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
        HostSnapshot after = HostSnapshot.of(FLEET.host("va1"));
        assertThat(after)
                .as("the host is untouched; changed: %s\nplan: %s\napply: %s", before.diff(after), plan, apply)
                .isEqualTo(before);
        assertThat(ws.state().managedAddresses()).isEmpty();
        return plan.errors();
    }

    static String instance(String name, String body) {
        return Hcl.instance(name, host, body + "\ndesired_state = \"ready\"");
    }

    @Test
    void overlappingCpusOfTwoInstances() throws IOException {
        // Terraform plans resources in parallel: which of the two is planned first varies from run
        // to run, and the check must hold whatever the order (it once held only in about half the runs)
        for (int run = 0; run < 4; run++) {
            String errors = refused("overlap-" + run, instance("web", """
                    name = "web"
                    cpus = "4-5"
                    memory = "64MiB\"""") + instance("db", """
                    name = "db"
                    cpus = "5-6"
                    memory = "64MiB\""""));
            assertThat(errors)
                    .contains("CPU 5 is also requested by instance")
                    .contains("cpus")
                    .containsPattern("multikernel_instance\\.(web|db)");
        }
    }

    @Test
    void aCpuAnInstanceOutsideTerraformHolds() throws IOException {
        String errors = refused("held", instance("web", """
                name = "web"
                cpus = "6-7"
                memory = "64MiB\""""));
        assertThat(errors)
                .contains("already given to instance \"other\"")
                .contains("with multikernel_instance.web")
                .contains("cpus");
    }

    @Test
    void memoryBeyondThePool() throws IOException {
        String errors = refused("memory", instance("big", """
                name = "big"
                cpus = "4"
                memory = "2GiB\""""));
        assertThat(errors)
                .contains("2GiB does not fit in the pool of host " + host)
                .contains("with multikernel_instance.big")
                .contains("memory");
    }

    @Test
    void aCpuTheHostDoesNotHave() throws IOException {
        String errors = refused("unknown-cpu", instance("web", """
                name = "web"
                cpus = "4,99"
                memory = "64MiB\""""));
        assertThat(errors)
                .contains("CPU 99 does not exist on host " + host)
                .contains("with multikernel_instance.web")
                .contains("cpus");
    }

    @Test
    void aSizeThatIsNotASize() throws IOException {
        String errors = refused("bad-size", instance("web", """
                name = "web"
                cpus = "4"
                memory = "12 parsecs\""""));
        assertThat(errors)
                .contains("12 parsecs")
                .contains("with multikernel_instance.web")
                .contains("memory");
    }

    @Test
    void aNameThatCannotBeADirectory() throws IOException {
        String errors = refused("bad-name", instance("web", """
                name = "a/b"
                cpus = "4"
                memory = "64MiB\""""));
        assertThat(errors)
                .contains("Invalid instance name")
                .contains("contains '/'")
                .contains("with multikernel_instance.web")
                .contains("name");
    }

    /** Occurrences of {@code text} in {@code all}. */
    static int count(String all, String text) {
        return all.split(java.util.regex.Pattern.quote(text), -1).length - 1;
    }

    @Test
    void anInvalidProviderAttributeIsOneError() {
        Workspace ws = FLEET.workspace("provider-once").rawMain(SimulatedFleet.terraformBlock() + """
                provider "multikernel" {
                  host_key_policy = "lax"
                  port            = 70000
                }

                # Terraform validates the provider block only when something uses the provider
                data "multikernel_host" "h" {
                  host = "%s"
                }
                """.formatted(host));
        TerraformCli.Result r = ws.validate();
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(count(r.errors(), "Error:")).as(r.toString()).isEqualTo(2);
        assertThat(r.errors())
                .contains("Invalid value for host_key_policy")
                .contains("host_key_policy = \"lax\"")
                .contains("Value out of range for port")
                .contains("port = 70000");
    }

    @Test
    void eachInvalidResourceAttributeIsOneErrorShownAtItsLine() {
        Workspace ws = FLEET.workspace("resource-once").main(Hcl.instance("web", host, """
                name          = "web"
                cpus          = "4"
                memory        = "64MiB"
                desired_state = "running"
                """) + """
                resource "multikernel_pool" "p" {
                  host = "%s"
                  memory = [
                    { size = "1GiB" },
                    { size = "lots" },
                  ]
                }
                """.formatted(host));
        TerraformCli.Result r = ws.validate();
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(count(r.errors(), "Error:")).as(r.toString()).isEqualTo(2);
        assertThat(r.errors()).contains("Invalid value for desired_state").contains("desired_state = \"running\"");
        // memory[1].size is inside a nested attribute: Terraform shows the element's own line
        assertThat(r.errors())
                .contains("Invalid size in memory[1].size")
                .contains("{ size = \"lots\" }")
                .doesNotContain("resource \"multikernel_pool\" \"p\" {");
    }
}
