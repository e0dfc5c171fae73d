package dev.multikernel.acceptance;

import static dev.multikernel.acceptance.harness.Workspace.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.acceptance.harness.Hcl;
import dev.multikernel.acceptance.harness.OutOfBand;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.Workspace;
import dev.multikernel.host.state.InstanceStatus;
import dev.tfjvm.testing.TerraformCli;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each kind of change made on the host behind Terraform's back is found: {@code plan
 * -detailed-exitcode} exits 2 with a plan that names it, and {@code plan -refresh-only} shows it.
 */
class DriftIT {
    @RegisterExtension
    static final SimulatedFleet FLEET = SimulatedFleet.builder().current("dr1").build();

    static final List<Integer> POOL_CPUS = List.of(4, 5, 6, 7);

    Workspace ws;
    OutOfBand oob;

    @BeforeEach
    void applied() {
        FLEET.resetAll();
        String host = FLEET.address("dr1");
        oob = FLEET.outOfBand("dr1");
        // the pool is the operator's (made at boot by other tooling); Terraform manages the instance
        oob.createPool(POOL_CPUS, 1L << 30, 1);
        ws = FLEET.workspace("drift")
                .main(Hcl.instance("web", host, """
                        name          = "web"
                        cpus          = "4-5"
                        memory        = "256MiB"
                        %s
                        desired_state = "active"
                        allow_restart = true
                        """.formatted(Hcl.kernel(FLEET.kernelImage())))
                        + """
                data "multikernel_host" "dr1" {
                  host = %s
                }

                # Root outputs holding numbers from a function and from a data source: Terraform
                # 1.11-1.14 compare them with the previous run's too.
                output "instance_memory_bytes" {
                  value = provider::multikernel::size_parse(multikernel_instance.web.memory)
                }

                output "pool_memory_bytes" {
                  value = data.multikernel_host.dr1.pool.memory_bytes
                }
                """.formatted("\"" + host + "\""));
        expect(0, ws.apply());
        TerraformCli.Result clean = ws.detailedPlan();
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
    }

    @Test
    void aRefreshOnlyPlanRightAfterApplyFindsNoDrift() {
        TerraformCli.Result refresh = ws.refreshOnlyPlan();
        assertThat(refresh.exitCode()).as(refresh.toString()).isZero();
        assertThat(refresh.stdout()).contains("No changes.");
        assertThat(ws.output("pool_memory_bytes").asLong()).isEqualTo(1L << 30);
        assertThat(ws.output("instance_memory_bytes").asLong()).isEqualTo(256L << 20);
    }

    @Test
    void anInstanceHaltedOutOfBandIsPlannedBackToActive() {
        oob.halt("web");
        assertThat(oob.instance("web").status()).isEqualTo(InstanceStatus.LOADED);

        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.stdout())
                .contains("# multikernel_instance.web will be updated in-place")
                .containsPattern("status\\s+= \"loaded\"");

        TerraformCli.Result refresh = ws.refreshOnlyPlan();
        assertThat(refresh.exitCode()).as(refresh.toString()).isEqualTo(2);
        assertThat(refresh.stdout())
                .contains("multikernel_instance.web has changed")
                .containsPattern("~ status\\s+= \"active\" -> \"loaded\"");

        expect(0, ws.apply());
        assertThat(oob.instance("web").status()).as("apply started it again").isEqualTo(InstanceStatus.ACTIVE);
        assertThat(ws.detailedPlan().exitCode()).isZero();
    }

    @Test
    void cpusChangedByAnOutOfBandOverlayArePlannedBack() {
        oob.changeInstanceCpus("web", List.of(6), List.of(5));

        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.stdout())
                .contains("# multikernel_instance.web will be updated in-place")
                .containsPattern("~ cpus\\s+= \"4,6\" -> \"4-5\"");

        TerraformCli.Result refresh = ws.refreshOnlyPlan();
        assertThat(refresh.exitCode()).as(refresh.toString()).isEqualTo(2);
        assertThat(refresh.stdout())
                .contains("multikernel_instance.web has changed")
                .containsPattern("~ cpus\\s+= \"4-5\" -> \"4,6\"");

        expect(0, ws.apply());
        assertThat(oob.instance("web")
                        .deviceTree()
                        .orElseThrow()
                        .value()
                        .orElseThrow()
                        .cpus())
                .as("APIC ids of CPUs 4-5")
                .containsExactlyInAnyOrder(16L, 18L);
        assertThat(ws.detailedPlan().exitCode()).isZero();
    }

    @Test
    void anInstanceRemovedOutOfBandIsPlannedToBeCreated() {
        oob.removeInstance("web");

        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.stdout())
                .contains("# multikernel_instance.web will be created")
                .contains("Plan: 1 to add, 0 to change, 0 to destroy.");
        assertThat((plan.stdout() + plan.stderr()).replaceAll("[\\s│]+", " "))
                .contains("Instance \"web\" is gone from host " + FLEET.address("dr1"));

        TerraformCli.Result refresh = ws.refreshOnlyPlan();
        assertThat(refresh.exitCode()).as(refresh.toString()).isEqualTo(2);
        assertThat(refresh.stdout()).contains("multikernel_instance.web has been deleted");

        expect(0, ws.apply());
        assertThat(oob.instance("web").status()).isEqualTo(InstanceStatus.ACTIVE);
    }

    @Test
    void aRebootedHostIsPlannedFromScratchWithAWarningNamingBothBootIds() {
        String before = oob.bootId();
        String after = oob.rebootHost();
        oob.createPool(POOL_CPUS, 1L << 30, 1); // the operator's boot-time pool comes back

        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.stdout())
                .contains("# multikernel_instance.web will be created")
                .contains("Plan: 1 to add, 0 to change, 0 to destroy.");
        String all = (plan.stdout() + plan.stderr()).replaceAll("[\\s│]+", " ");
        assertThat(all)
                .contains("Host " + FLEET.address("dr1") + " rebooted")
                .contains(before)
                .contains(after);

        TerraformCli.Result refresh = ws.refreshOnlyPlan();
        assertThat(refresh.exitCode()).as(refresh.toString()).isEqualTo(2);
        assertThat(refresh.stdout()).contains("multikernel_instance.web has been deleted");

        expect(0, ws.apply());
        assertThat(ws.state().attr("multikernel_instance.web", "boot_id")).isEqualTo(after);
        assertThat(oob.instance("web").status()).isEqualTo(InstanceStatus.ACTIVE);
    }
}
