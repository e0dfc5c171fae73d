package dev.multikernel.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.acceptance.harness.Faults;
import dev.multikernel.acceptance.harness.Hcl;
import dev.multikernel.acceptance.harness.OutOfBand;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.TfState;
import dev.multikernel.acceptance.harness.Workspace;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.ssh.CommandDrop;
import dev.tfjvm.testing.TerraformCli;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An apply that fails half way (the kernel refuses a load, an exec or an overlay; the connection
 * drops after the host did the work) leaves state that matches the host: what the kernel has is in
 * state (tainted when it is not what was asked for), the next apply converges, and nothing is left
 * behind in the pool.
 */
class PartialFailureIT {
    static final String WEB = "multikernel_instance.web";

    @RegisterExtension
    static final SimulatedFleet FLEET = SimulatedFleet.builder().current("pf1").build();

    Workspace ws;
    OutOfBand oob;
    Faults faults;

    @BeforeEach
    void poolOnly() {
        FLEET.resetAll();
        String host = FLEET.address("pf1");
        oob = FLEET.outOfBand("pf1");
        faults = FLEET.faults("pf1");
        // the operator's pool; Terraform manages the instance
        oob.createPool(List.of(4, 5, 6, 7), 1L << 30, 1);
        ws = FLEET.workspace("partial").main(Hcl.instance("web", host, """
                name          = "web"
                cpus          = "4-5"
                memory        = "256MiB"
                %s
                desired_state = "active"
                """.formatted(Hcl.kernel(FLEET.kernelImage()))));
    }

    @Test
    void aKexecLoadTheKernelRefusesLeavesATaintedInstanceThatTheNextApplyReplaces() {
        faults.failNextLoad(Errno.ENOMEM);
        TerraformCli.Result failed = ws.apply();
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.errors()).contains("ENOMEM").contains(WEB);

        InstanceState onHost = oob.instance("web");
        assertThat(onHost.status())
                .as("the kernel kept the instance, without an image")
                .isEqualTo(InstanceStatus.READY);
        TfState state = ws.state();
        assertThat(state.has(WEB)).as("what the kernel has is in state").isTrue();
        assertThat(state.tainted(WEB)).isTrue();

        converges();
    }

    @Test
    void anExecTheKernelRefusesLeavesATaintedInstanceThatTheNextApplyReplaces() {
        faults.failNextExec(Errno.EIO);
        TerraformCli.Result failed = ws.apply();
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.errors()).contains("EIO").contains(WEB);

        assertThat(oob.instance("web").status()).as("loaded, not started").isEqualTo(InstanceStatus.LOADED);
        TfState state = ws.state();
        assertThat(state.has(WEB)).isTrue();
        assertThat(state.tainted(WEB)).isTrue();

        converges();
    }

    @Test
    void anOverlayTheKernelRefusesIsRolledBackAndLeavesNothing() {
        HostState before = oob.state();
        faults.failNextOverlay(Errno.ENOSPC);
        TerraformCli.Result failed = ws.apply();
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.errors()).contains(WEB).containsPattern("(?i)rolled (it )?back");

        HostState after = oob.state();
        assertThat(after.instances()).isEmpty();
        assertThat(after.transactions())
                .as("the failed transaction was removed")
                .isEqualTo(before.transactions());
        assertThat(ws.state().has(WEB)).isFalse();

        converges();
    }

    @Test
    void aConnectionThatDropsAfterTheHostCreatedTheInstanceIsResolvedByReadingTheKernel() {
        // create, load and start are one request; it runs to its end on the host; the answer is lost
        faults.dropConnectionAtCommand(CommandDrop.AFTER_EXIT, " overlay-apply load exec ");
        answerLostYetApplied("create, load and start instance \"web\"");
    }

    @Test
    void aConnectionThatDropsAfterTheKernelLoadedTheImageIsResolvedByReadingTheKernel() {
        readyFirst();
        // the load runs to its end on the host; its answer is lost
        faults.dropConnectionAtCommand(CommandDrop.AFTER_EXIT, " load ");
        answerLostYetApplied("load instance \"web\"");
    }

    @Test
    void aLostAnswerToStartLeavesTheRunningInstanceInStateUntainted() {
        readyFirst();
        // issue 15: the start happened, its answer did not come back
        faults.dropConnectionAtCommand(CommandDrop.AFTER_EXIT, " exec");
        answerLostYetApplied("start instance \"web\"");
        assertThat(oob.instance("web").status()).isEqualTo(InstanceStatus.ACTIVE);
    }

    /** The instance exists, created without a kernel; the configuration then asks for it active. */
    private void readyFirst() {
        String active = ws.cli().readFile("main.tf");
        ws.rawMain(active.replace("desired_state = \"active\"", "desired_state = \"ready\""));
        TerraformCli.Result ready = ws.apply();
        assertThat(ready.exitCode()).as(ready.toString()).isZero();
        ws.rawMain(active);
    }

    /** The apply succeeds with a warning naming the change; nothing is tainted; it converged. */
    private void answerLostYetApplied(String change) {
        TerraformCli.Result applied = ws.apply();
        assertThat(applied.exitCode()).as(applied.toString()).isZero();
        assertThat((applied.stdout() + applied.stderr()).replaceAll("\\s+", " "))
                .contains("The answer from host")
                .contains("before the host answered the request to " + change);
        TfState state = ws.state();
        assertThat(state.has(WEB)).isTrue();
        assertThat(state.tainted(WEB)).isFalse();
        converges();
    }

    /** The next apply succeeds; one active web on the host, holding CPUs 4-5; nothing leaked. */
    void converges() {
        faults.clear();
        TerraformCli.Result fixed = ws.apply();
        assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
        HostState host = oob.state();
        assertThat(host.instances()).extracting(InstanceState::name).containsExactly("web");
        InstanceState web = host.instance("web").orElseThrow();
        assertThat(web.status()).isEqualTo(InstanceStatus.ACTIVE);
        assertThat(web.deviceTree().orElseThrow().value().orElseThrow().cpus()).containsExactlyInAnyOrder(16L, 18L);
        assertThat(web.deviceTree().orElseThrow().value().orElseThrow().memoryBytes())
                .isEqualTo(256L << 20);
        PoolTree pool = host.pool().orElseThrow().deviceTree().value().orElseThrow();
        assertThat(pool.cpusAvailable())
                .as("CPUs 6-7 are free again, nothing leaked")
                .containsExactlyInAnyOrder(20L, 22L);
        TfState state = ws.state();
        assertThat(state.tainted(WEB)).isFalse();
        assertThat(state.attr(WEB, "instance_id"))
                .isEqualTo(String.valueOf(web.id().getAsInt()));
        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
    }
}
