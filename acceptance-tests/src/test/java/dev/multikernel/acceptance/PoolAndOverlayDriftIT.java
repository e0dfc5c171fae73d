package dev.multikernel.acceptance;

import static dev.multikernel.acceptance.harness.Workspace.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.acceptance.harness.Hcl;
import dev.multikernel.acceptance.harness.OutOfBand;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.Workspace;
import dev.tfjvm.testing.TerraformCli;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drift of the pool and of a raw overlay: a pool changed behind Terraform's back is planned back
 * to its configuration, an overlay rolled back by hand is planned to be written again.
 */
class PoolAndOverlayDriftIT {
    @RegisterExtension
    static final SimulatedFleet FLEET = SimulatedFleet.builder().current("pd1").build();

    Workspace ws;
    OutOfBand oob;

    @BeforeEach
    void applied() {
        FLEET.resetAll();
        String host = FLEET.address("pd1");
        oob = FLEET.outOfBand("pd1");
        ws = FLEET.workspace("pool-drift").main(Hcl.pool("p", host, "1-5", "1GiB", 0) + """
                resource "multikernel_overlay" "lend" {
                  host    = multikernel_pool.p.host
                  cpu_add = "6"
                }
                """);
        expect(0, ws.apply());
        TerraformCli.Result clean = ws.detailedPlan();
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
    }

    @Test
    void cpusAddedToThePoolOutOfBandArePlannedBack() {
        oob.addPoolCpus(List.of(7));

        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.stdout())
                .contains("# multikernel_pool.p will be updated in-place")
                .containsPattern("~ cpus\\s+= \"1-5,7\" -> \"1-5\"");
        // the overlay's own CPU 6 is neither the pool's drift nor a change of the overlay
        assertThat(plan.stdout()).doesNotContain("multikernel_overlay.lend will be");

        TerraformCli.Result refresh = ws.refreshOnlyPlan();
        assertThat(refresh.exitCode()).as(refresh.toString()).isEqualTo(2);
        assertThat(refresh.stdout()).contains("multikernel_pool.p has changed");

        expect(0, ws.apply());
        assertThat(ws.detailedPlan().exitCode()).isZero();
    }

    @Test
    void anOverlayRolledBackOutOfBandIsPlannedAgain() {
        int tx = Integer.parseInt(ws.state().attr("multikernel_overlay.lend", "transaction_id"));
        oob.removeOverlay(tx);

        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.stdout())
                .contains("# multikernel_overlay.lend will be created")
                .contains("Plan: 1 to add, 0 to change, 0 to destroy.");

        TerraformCli.Result refresh = ws.refreshOnlyPlan();
        assertThat(refresh.exitCode()).as(refresh.toString()).isEqualTo(2);
        assertThat(refresh.stdout()).contains("multikernel_overlay.lend has been deleted");

        expect(0, ws.apply());
        assertThat(ws.detailedPlan().exitCode()).isZero();
    }
}
