package dev.multikernel.provider.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayOps;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.PciItem;
import dev.multikernel.host.mkctl.KernelRefusedException;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.mkctl.NotAppliedException;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.provider.config.HostAddress;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.spi.ResourceException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OverlayWritesTest {
    private static final HostAddress HOST = HostAddress.parse("10.0.0.5");
    private static final List<OverlayOperation> WRITTEN = List.of(
            OverlayOps.cpuAdd(OverlayTarget.POOL, 22),
            OverlayOps.deviceAdd(OverlayTarget.POOL, PciItem.of("0000:77:00.0")));
    private static final MkctlException FAILED = new NotAppliedException(
            "10.0.0.5", "overlay transaction tx_7 ended with status 'failed'", Optional.empty());
    private static final MkctlException REFUSED =
            new KernelRefusedException("10.0.0.5", "rmdir tx_7: No such file or directory", Optional.empty());
    private static final Compensation CPU_BACK = new Compensation(
            List.of(OverlayOps.cpuRemove(OverlayTarget.POOL, 22)), List.of(OverlayOps.cpuAdd(OverlayTarget.POOL, 22)));

    private static ResourceException error(OverlayWrites.Outcome.Failed outcome) {
        return OverlayWrites.error(
                HOST,
                WRITTEN,
                outcome,
                OverlayWrites.Wording.of("change the pool")
                        .at(Optional.of(CtyPath.ROOT.attr("devices")))
                        .ifUndone("The pool is as it was.")
                        .ifStuck("Reboot the host."));
    }

    @Test
    void aRolledBackTransactionSaysNothingIsLeft() {
        ResourceException e = error(new OverlayWrites.Outcome.RolledBack(FAILED, 7, Optional.of("failed")));
        assertThat(e.summary()).isEqualTo("The kernel did not change the pool on host 10.0.0.5");
        assertThat(e.detail())
                .startsWith("Transaction tx_7 (cpu-add to the pool; device-add to the pool) ended with "
                        + "status \"failed\": overlay transaction tx_7 ended with status 'failed'")
                .contains("The provider rolled it back (removed tx_7), so nothing of it is left on the host. "
                        + "The pool is as it was.")
                .contains("dmesg")
                .doesNotContain("Reboot the host");
        assertThat(e.path()).contains(CtyPath.ROOT.attr("devices"));
        assertThat(e.getCause()).isSameAs(FAILED);
        assertThat(e.partialState()).isEmpty();
    }

    @Test
    void mkctlsOwnAdviceToRollBackIsNotPassedOn() {
        MkctlException said = new NotAppliedException(
                "10.0.0.5",
                "overlay transaction 7 ended with status 'failed'; remove it with overlay-remove --id 7 to roll back"
                        + " what was applied",
                Optional.empty());
        ResourceException e = error(new OverlayWrites.Outcome.RolledBack(said, 7, Optional.of("failed")));
        assertThat(e.detail())
                .contains("ended with status \"failed\": overlay transaction 7 ended with status 'failed'\n")
                .doesNotContain("overlay-remove")
                .doesNotContain("mkctl");
    }

    @Test
    void aCompensatedTransactionNamesWhatWasUndoneAndHow() {
        ResourceException e =
                error(new OverlayWrites.Outcome.Compensated(FAILED, 7, REFUSED, CPU_BACK, OptionalInt.of(8)));
        assertThat(e.summary()).isEqualTo("The kernel did not change the pool on host 10.0.0.5");
        assertThat(e.detail())
                .contains("The kernel refused to roll it back (rmdir tx_7: No such file or directory)")
                .contains("The steps that had taken effect (cpu-add to the pool) were undone with transaction tx_8 "
                        + "(tagged \"terraform:overlay-undo\").")
                .contains("tx_7 stays on the host with status failed, without effect")
                .contains("The pool is as it was.");

        ResourceException none = error(new OverlayWrites.Outcome.Compensated(
                FAILED, 7, REFUSED, new Compensation(List.of(), List.of()), OptionalInt.empty()));
        assertThat(none.detail())
                .contains("None of its steps had taken effect.")
                .doesNotContain("undone with");
    }

    @Test
    void aStuckTransactionSaysWhatIsStillInEffectAndWhatToDo() {
        ResourceException e = error(new OverlayWrites.Outcome.Stuck(
                FAILED,
                7,
                REFUSED,
                Optional.of(CPU_BACK),
                new KernelRefusedException("10.0.0.5", "cpu-remove: Device or resource busy", Optional.empty())));
        assertThat(e.summary()).isEqualTo("The kernel did not change the pool on host 10.0.0.5, and undoing it failed");
        assertThat(e.detail())
                .contains("Rolling it back failed: rmdir tx_7")
                .contains("Undoing the steps that had taken effect (cpu-add to the pool) failed too: cpu-remove: "
                        + "Device or resource busy")
                .contains("Those steps are still in effect. Reboot the host.")
                .doesNotContain("The pool is as it was");

        ResourceException unknown = error(new OverlayWrites.Outcome.Stuck(
                FAILED, 7, REFUSED, Optional.empty(), new IllegalStateException("connection lost")));
        assertThat(unknown.detail())
                .contains("Finding out which of its steps had taken effect, to undo them, failed "
                        + "too: connection lost")
                .contains("Some of its steps may still be in effect. Reboot the host.");
    }

    @Test
    void theCallerDescribesTheOperations() {
        ResourceException e = OverlayWrites.error(
                HOST,
                WRITTEN,
                new OverlayWrites.Outcome.Compensated(FAILED, 7, REFUSED, CPU_BACK, OptionalInt.of(8)),
                OverlayWrites.Wording.of("apply the overlay").describedBy(ops -> ops.size() + " step(s)"));
        assertThat(e.summary()).isEqualTo("The kernel did not apply the overlay on host 10.0.0.5");
        assertThat(e.detail())
                .contains("Transaction tx_7 (2 step(s)) failed")
                .contains("steps that had taken effect " + "(1 step(s))");
        assertThat(e.path()).isEmpty();
    }

    @Test
    void stepsNameInstancesAndTargets() {
        assertThat(OverlayWrites.steps(List.of(
                        OverlayOps.instanceCreate("web", new InstanceResources(0, List.of(2L), List.of())),
                        OverlayOps.cpuRemove(new OverlayTarget.Instance("web"), 4),
                        OverlayOps.instanceRemove("db"))))
                .isEqualTo("instance-create of \"web\"; cpu-remove from instance \"web\"; instance-remove of \"db\"");
    }

    @Test
    void compensationUndoesAnInstanceCreateButNotAnInstanceRemove() {
        OverlayOperation create = OverlayOps.instanceCreate("web", new InstanceResources(0, List.of(2L), List.of()));
        HostState without = host(List.of());
        HostState with = host(List.of(new InstanceState(
                "web", OptionalInt.of(1), InstanceStatus.READY, "ready", Optional.empty(), Optional.empty())));
        assertThat(Compensation.of(List.of(create), without, with).inverse())
                .containsExactly(OverlayOps.instanceRemove("web"));
        assertThat(Compensation.of(List.of(create), without, without).inverse()).isEmpty();
        assertThat(Compensation.of(List.of(OverlayOps.instanceRemove("web")), with, with)
                        .inverse())
                .isEmpty();
        assertThatThrownBy(() -> Compensation.of(List.of(OverlayOps.instanceRemove("web")), with, without))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("instance \"web\"");
    }

    private static HostState host(List<InstanceState> instances) {
        return new HostState(
                InterfaceGeneration.CURRENT,
                true,
                Optional.empty(),
                "boot",
                List.of(new CpuState(0, OptionalInt.of(0), OptionalInt.of(0), true)),
                Optional.empty(),
                instances,
                List.of(),
                Optional.empty(),
                Optional.empty(),
                List.of());
    }
}
