package dev.multikernel.provider.resources.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.mkctl.MkctlOperation;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.provider.testing.FakeHosts;
import dev.multikernel.provider.testing.ResourceHarness;
import dev.multikernel.provider.testing.TestStates;
import dev.tfjvm.spi.TfObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** multikernel_pool through the Hosts seam: a fixed host state, the kernel operations recorded, no Terraform. */
class PoolResourceTest {
    private static final HostState EMPTY = TestStates.current();
    private static final HostState POOLED = TestStates.withPool(List.of(4, 5, 6, 7), List.of(), List.of());

    private final FakeHosts hosts = new FakeHosts(EMPTY);
    private final ResourceHarness pool = new ResourceHarness(new PoolResource(hosts));

    private TfObject config(String cpus, String size) {
        TfObject c = pool.object().with("host", "h1").with("cpus", cpus);
        return c.with("memory", List.of(c.newNested("memory").with("size", size)));
    }

    @Test
    void aPlanOnACurrentHostShowsTheApicIdsAndRecordsThePoolForInstancePlans() {
        ResourceHarness.Plan plan = pool.plan(Optional.empty(), config("4-7", "1GiB"));

        assertThat(plan.diagnostics()).isEmpty();
        TfObject p = plan.value();
        assertThat(p.string("id")).contains("h1");
        assertThat(p.string("interface_generation")).contains("current");
        assertThat(p.isKnown("boot_id")).isFalse();
        assertThat(p.get("physical_cpu_ids").toString()).contains("8").contains("14");
        assertThat(hosts.ledger().plannedPool(dev.multikernel.provider.config.HostAddress.parse("h1")))
                .isPresent();
        assertThat(hosts.changes()).isEmpty();
    }

    @Test
    void createWritesOneBaselineInApicIdsAndReadsThePoolBack() throws Exception {
        hosts.on(
                MkctlOperation.Baseline.class,
                POOLED,
                new MkctlResult.BaselineApplied(200, Optional.empty(), List.of()));

        ResourceHarness.Result r = pool.planAndApply(Optional.empty(), config("4-7", "1GiB"));

        assertThat(r.diagnostics()).isEmpty();
        assertThat(hosts.changes()).singleElement().isInstanceOf(MkctlOperation.Baseline.class);
        Baseline written = Baseline.read(Fdt.parse(
                ((MkctlOperation.Baseline) hosts.changes().get(0)).blob().orElseThrow()));
        assertThat(written.cpus()).containsExactly(8L, 10L, 12L, 14L);
        assertThat(written.memory())
                .singleElement()
                .satisfies(m -> assertThat(m.size()).isEqualTo(TestStates.GIB));
        TfObject s = r.value();
        assertThat(s.string("cpus")).contains("4-7");
        assertThat(s.string("boot_id")).contains(TestStates.BOOT);
        assertThat(s.objects("memory")).singleElement().satisfies(m -> {
            assertThat(m.string("size")).contains("1GiB");
            assertThat(m.longValue("numa_node")).contains(0L);
        });
    }

    @Test
    void aCpuOfNoPoolIsAPlanErrorOnCpus() {
        ResourceHarness.Plan plan = pool.plan(Optional.empty(), config("4-9", "1GiB"));

        assertThat(plan.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("cpus");
            assertThat(d.summary() + " " + d.detail()).contains("9");
        });
        assertThat(hosts.changes()).isEmpty();
    }

    @Test
    void onAnRfcV2HostCpusAreAnErrorOnCpus() {
        hosts.setState(TestStates.rfcV2(2 * TestStates.GIB, List.of()));

        ResourceHarness.Plan plan = pool.plan(Optional.empty(), config("4-7", "2GiB"));

        assertThat(plan.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("cpus");
            assertThat(d.summary()).isEqualTo("Host h1 has no CPU pool");
            assertThat(d.detail()).contains("RFC v2").contains("Leave cpus out of multikernel_pool.");
        });
    }

    @Test
    void onAnRfcV2HostThePoolIsAdoptedReadOnlyWithoutAnyKernelCall() {
        hosts.setState(TestStates.rfcV2(2 * TestStates.GIB, List.of()));
        TfObject config = pool.object().with("host", "h1");

        ResourceHarness.Plan plan = pool.plan(Optional.empty(), config);
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.summary()).isEqualTo("The pool of host h1 is read-only");
            assertThat(d.detail()).contains("mkkernel_pool= (2GiB)");
        });
        assertThat(plan.value().string("interface_generation")).contains("rfc-v2");

        ResourceHarness.Result r = pool.apply(Optional.empty(), plan.value(), config);
        assertThat(r.errors()).isEmpty();
        assertThat(r.value().string("boot_id")).contains(TestStates.BOOT);
        assertThat(hosts.changes()).isEmpty();
    }

    @Test
    void removingACpuAnInstanceHoldsIsAPlanErrorNamingTheInstance() {
        hosts.setState(TestStates.withPool(
                List.of(4, 5, 6, 7),
                List.of(TestStates.instance(
                        "web", 1, InstanceStatus.ACTIVE, List.of(7), TestStates.CHUNK_BASE, 256 * TestStates.MIB)),
                List.of()));
        TfObject prior =
                pool.read(pool.object().with("host", "h1").with("id", "h1")).value();

        ResourceHarness.Plan plan = pool.plan(Optional.of(prior), config("4-6", "1GiB"));

        assertThat(plan.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("cpus");
            assertThat(d.summary() + " " + d.detail()).contains("\"web\"");
        });
    }

    @Test
    void anUpdateLendsTheNewCpuWithOneTaggedTransaction() throws Exception {
        hosts.setState(POOLED);
        TfObject prior =
                pool.read(pool.object().with("host", "h1").with("id", "h1")).value();
        assertThat(prior.string("cpus")).contains("4-7");
        hosts.on(
                MkctlOperation.OverlayApply.class,
                TestStates.withPool(List.of(3, 4, 5, 6, 7), List.of(), List.of()),
                TestStates.applied(1));

        ResourceHarness.Result r = pool.planAndApply(Optional.of(prior), config("3-7", "1GiB"));

        assertThat(r.errors()).isEmpty();
        assertThat(r.value().string("cpus")).contains("3-7");
        OverlayTransaction tx = OverlayTransaction.read(Fdt.parse(
                ((MkctlOperation.OverlayApply) hosts.changes().get(0)).blob().orElseThrow()));
        assertThat(tx.resourcesTag()).contains(PoolResource.TAG);
        assertThat(tx.operations())
                .singleElement()
                .isInstanceOfSatisfying(
                        OverlayOperation.CpuAdd.class,
                        op -> assertThat(op.toString()).contains("6"));
    }

    @Test
    void deleteGivesEverythingBackWithOneTransaction() throws Exception {
        hosts.setState(POOLED);
        TfObject prior =
                pool.read(pool.object().with("host", "h1").with("id", "h1")).value();
        hosts.on(MkctlOperation.OverlayApply.class, EMPTY, TestStates.applied(1));

        ResourceHarness.Result r = pool.delete(prior);

        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.state()).isEmpty();
        OverlayTransaction tx = OverlayTransaction.read(Fdt.parse(
                ((MkctlOperation.OverlayApply) hosts.changes().get(0)).blob().orElseThrow()));
        assertThat(tx.operations())
                .extracting(o -> o.getClass().getSimpleName())
                .contains("CpuRemove", "MemoryRemove");
    }

    @Test
    void afterARebootReadSaysSoAndThePoolIsGone() {
        hosts.setState(POOLED);
        TfObject prior =
                pool.read(pool.object().with("host", "h1").with("id", "h1")).value();
        hosts.setState(TestStates.rebooted(POOLED, "boot-2"));

        ResourceHarness.Result r = pool.read(prior);

        assertThat(r.state()).isEmpty();
        assertThat(r.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.summary()).isEqualTo("Host h1 rebooted");
            assertThat(d.detail()).contains("boot id boot-1 → boot-2");
        });
    }
}
