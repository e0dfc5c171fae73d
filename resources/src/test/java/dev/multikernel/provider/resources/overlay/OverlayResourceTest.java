package dev.multikernel.provider.resources.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.OverlayOps;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.mkctl.MkctlOperation;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.TransactionStatus;
import dev.multikernel.provider.testing.FakeHosts;
import dev.multikernel.provider.testing.ResourceHarness;
import dev.multikernel.provider.testing.TestStates;
import dev.tfjvm.spi.TfObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** multikernel_overlay through the Hosts seam: plan checks, create, read, delete, without Terraform. */
class OverlayResourceTest {
    private static final HostState POOLED = TestStates.withPool(List.of(4, 5, 6, 7), List.of(), List.of());
    /** The host after the overlay lent logical CPU 3 (APIC 6) to the pool as tx_5. */
    private static final HostState LENT = TestStates.with(
            POOLED,
            List.of(),
            List.of(TestStates.transaction(
                    5,
                    TransactionStatus.APPLIED,
                    "",
                    OverlayTransaction.of(OverlayOps.cpuAdd(OverlayTarget.POOL, 6))
                            .withResourcesTag(OverlayEffects.TAG))));

    private final FakeHosts hosts = new FakeHosts(POOLED);
    private final ResourceHarness overlay = new ResourceHarness(new OverlayResource(hosts));

    private TfObject lendCpu(String cpus) {
        return overlay.object().with("host", "h1").with("cpu_add", cpus);
    }

    @Test
    void aPlanShowsThePhysicalIdsItWillWrite() {
        ResourceHarness.Plan plan = overlay.plan(Optional.empty(), lendCpu("3"));

        assertThat(plan.diagnostics()).isEmpty();
        assertThat(plan.value().get("cpu_add_physical_ids").toString()).contains("6");
        assertThat(plan.value().isKnown("transaction_id")).isFalse();
        assertThat(hosts.changes()).isEmpty();
    }

    @Test
    void createWritesOneTransactionTaggedTerraformOverlay() throws Exception {
        hosts.on(MkctlOperation.OverlayApply.class, LENT, TestStates.applied(5));

        ResourceHarness.Result r = overlay.planAndApply(Optional.empty(), lendCpu("3"));

        assertThat(r.diagnostics()).isEmpty();
        OverlayTransaction tx = OverlayTransaction.read(Fdt.parse(
                ((MkctlOperation.OverlayApply) hosts.changes().get(0)).blob().orElseThrow()));
        assertThat(tx.resourcesTag()).contains("terraform:overlay");
        assertThat(tx.operations()).containsExactly(OverlayOps.cpuAdd(OverlayTarget.POOL, 6));
        assertThat(r.value().string("id")).contains("h1:5");
        assertThat(r.value().longValue("transaction_id")).contains(5L);
        assertThat(r.value().string("status")).contains("applied");
        assertThat(r.value().string("boot_id")).contains(TestStates.BOOT);
    }

    @Test
    void aTransactionTheKernelFailsIsRolledBackAndNothingIsKept() {
        dev.multikernel.host.mkctl.MkctlError error = new dev.multikernel.host.mkctl.MkctlError(
                "overlay-apply",
                dev.multikernel.host.mkctl.ErrorKind.NOT_APPLIED,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                "overlay transaction tx_6 ended with status 'failed'",
                java.util.OptionalInt.of(6),
                Optional.of("failed"),
                Optional.empty(),
                java.util.OptionalInt.empty());
        hosts.on(MkctlOperation.OverlayApply.class, POOLED, op -> {
                    throw new dev.multikernel.host.mkctl.NotAppliedException("h1", error.message(), Optional.of(error));
                })
                .on(
                        MkctlOperation.OverlayRemove.class,
                        POOLED,
                        new dev.multikernel.host.mkctl.MkctlResult.OverlayRemoved(6));

        ResourceHarness.Result r = overlay.planAndApply(Optional.empty(), lendCpu("3"));

        assertThat(hosts.changes())
                .extracting(op -> op.getClass().getSimpleName())
                .containsExactly("OverlayApply", "OverlayRemove");
        assertThat(hosts.changes().get(1)).isEqualTo(new MkctlOperation.OverlayRemove(6));
        assertThat(r.state()).isEmpty();
        assertThat(r.errors()).singleElement().satisfies(d -> {
            assertThat(d.summary()).isEqualTo("The kernel did not apply the overlay on host h1");
            assertThat(d.detail())
                    .contains("tx_6")
                    .contains("rolled it back (removed tx_6)")
                    .contains("The apply failed, so nothing is kept in the state.");
        });
    }

    @Test
    void anRfcV2HostIsAnErrorOnHost() {
        hosts.setState(TestStates.rfcV2(TestStates.GIB, List.of()));

        ResourceHarness.Plan plan = overlay.plan(Optional.empty(), lendCpu("3"));

        assertThat(plan.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("host");
            assertThat(d.summary()).isEqualTo("No overlays on an RFC v2 host");
        });
    }

    @Test
    void aCpuTheHostDoesNotHaveIsAnErrorOnItsAttribute() {
        ResourceHarness.Plan plan = overlay.plan(Optional.empty(), lendCpu("3,9"));

        assertThat(plan.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("cpu_add");
            assertThat(d.summary()).isEqualTo("No such CPU on host h1");
            assertThat(d.detail()).isEqualTo("cpu_add names CPU 9, which host h1 does not have (its CPUs are 0-7).");
        });
    }

    @Test
    void anInstanceNeitherOnTheHostNorPlannedIsAnErrorOnInstance() {
        ResourceHarness.Plan plan = overlay.plan(Optional.empty(), lendCpu("4").with("instance", "db"));

        assertThat(plan.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("instance");
            assertThat(d.summary()).isEqualTo("No instance \"db\" on host h1");
        });
    }

    @Test
    void readAndDeleteLookOnlyAtTheirTransaction() {
        hosts.setState(LENT);
        TfObject state = overlay.importState("h1:5").value();
        assertThat(state.string("cpu_add")).contains("3");

        assertThat(overlay.read(state).value()).isEqualTo(state);

        hosts.on(
                MkctlOperation.OverlayRemove.class,
                POOLED,
                new dev.multikernel.host.mkctl.MkctlResult.OverlayRemoved(5));
        ResourceHarness.Result deleted = overlay.delete(state);
        assertThat(deleted.diagnostics()).isEmpty();
        assertThat(hosts.changes()).containsExactly(new MkctlOperation.OverlayRemove(5));

        assertThat(overlay.read(state).state())
                .as("rolled back elsewhere: gone")
                .isEmpty();
    }
}
