package dev.multikernel.provider.resources.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.mkctl.MkctlOperation;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.provider.testing.FakeHosts;
import dev.multikernel.provider.testing.ResourceHarness;
import dev.multikernel.provider.testing.TestStates;
import dev.tfjvm.spi.TfObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the plan of a multikernel_instance shows as known: exactly one of cpus / cpu_count is the
 * user's, the other is not made up; a live change keeps the status; an imported instance's state
 * gives a configuration (as terraform plan -generate-config-out writes it) that plans no change.
 */
class InstancePlannedValuesTest {
    private static final long MEM = 256 * TestStates.MIB;
    private static final List<String> COMPUTED_ONLY =
            List.of("id", "status", "physical_cpu_ids", "interface_generation", "boot_id");

    private final FakeHosts hosts = new FakeHosts(host(InstanceStatus.ACTIVE, List.of(4, 5)));
    private final ResourceHarness instance = new ResourceHarness(new InstanceResource(hosts));

    private static HostState host(InstanceStatus status, List<Integer> cpus) {
        InstanceState web = TestStates.instance("web", 1, status, cpus, TestStates.CHUNK_BASE, MEM);
        return TestStates.withPool(List.of(4, 5, 6, 7), List.of(web), List.of());
    }

    /** The configuration Terraform generates from {@code state}: every argument as state has it. */
    private static TfObject generated(TfObject state) {
        TfObject c = state;
        for (String a : COMPUTED_ONLY) {
            c = c.with(a, null);
        }
        return c;
    }

    private TfObject imported() {
        ResourceHarness.Result r = instance.importState("h1:web");
        assertThat(r.errors()).isEmpty();
        return r.value();
    }

    @Test
    void anImportRecordsCpusAndLeavesCpuCountAndKernelNull() {
        TfObject s = imported();

        assertThat(s.string("cpus")).contains("4-5");
        assertThat(s.isNull("cpu_count")).isTrue();
        assertThat(s.isNull("kernel")).isTrue();
        assertThat(s.string("desired_state")).contains("active");
        assertThat(s.string("status")).contains("active");
    }

    @Test
    void theGeneratedConfigurationOfAnImportedRunningInstanceIsValidAndPlansNoChange() {
        TfObject prior = imported();
        TfObject config = generated(prior);

        assertThat(instance.validate(config)).isEmpty();
        ResourceHarness.Plan plan = instance.plan(Optional.of(prior), config);

        assertThat(plan.diagnostics()).isEmpty();
        assertThat(plan.value()).isEqualTo(prior);
        assertThat(hosts.changes()).isEmpty();
    }

    @Test
    void withoutKernelAStartFromReadyIsAPlanErrorOnKernel() {
        hosts.setState(host(InstanceStatus.READY, List.of(4, 5)));
        TfObject prior = imported();

        ResourceHarness.Plan plan =
                instance.plan(Optional.of(prior), generated(prior).with("desired_state", "active"));

        assertThat(plan.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("kernel");
            assertThat(d.summary()).isEqualTo("No kernel to start");
        });
    }

    @Test
    void withoutKernelANewActiveInstanceIsAPlanErrorOnKernel() {
        hosts.setState(TestStates.withPool(List.of(4, 5, 6, 7), List.of(), List.of()));
        TfObject config = instance.object()
                .with("host", "h1")
                .with("name", "web")
                .with("cpus", "4-5")
                .with("memory", "256MiB");

        ResourceHarness.Plan plan = instance.plan(Optional.empty(), config);

        assertThat(plan.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("kernel");
            assertThat(d.summary()).isEqualTo("No kernel to start");
        });
    }

    @Test
    void aLiveResizeKeepsStatusKnownAndShowsNoCpuCount() {
        TfObject prior = imported();
        TfObject config = generated(prior).with("cpus", "4-7");

        ResourceHarness.Plan plan = instance.plan(Optional.of(prior), config);

        assertThat(plan.errors()).isEmpty();
        TfObject p = plan.value();
        assertThat(p.string("status"))
                .as("a live change does not stop or start anything")
                .contains("active");
        assertThat(p.isNull("cpu_count")).as("cpus is set: no count is made up").isTrue();
        assertThat(p.string("cpus")).contains("4-7");
        assertThat(p.get("physical_cpu_ids").toString()).contains("8", "10", "12", "14");

        // apply returns what the plan said
        hosts.on(
                MkctlOperation.OverlayApply.class,
                host(InstanceStatus.ACTIVE, List.of(4, 5, 6, 7)),
                TestStates.applied(2));
        ResourceHarness.Result r = instance.apply(Optional.of(prior), p, config);
        assertThat(r.errors()).isEmpty();
        assertThat(r.value().string("status")).contains("active");
        assertThat(r.value().isNull("cpu_count")).isTrue();
        assertThat(r.value().string("cpus")).contains("4-7");
    }

    @Test
    void aLiveResizeWithAStateChangeLeavesTheStatusUnknown() {
        TfObject prior = imported();
        TfObject config = generated(prior).with("cpus", "4-7").with("desired_state", "loaded");

        ResourceHarness.Plan plan = instance.plan(Optional.of(prior), config);

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.value().isKnown("status")).isFalse();
    }

    @Test
    void aCountKeepsCpuCountAndComputesCpus() {
        hosts.setState(TestStates.withPool(List.of(4, 5, 6, 7), List.of(), List.of()));
        TfObject config = instance.object()
                .with("host", "h1")
                .with("name", "web")
                .with("cpu_count", 2L)
                .with("memory", "256MiB")
                .with("desired_state", "ready");

        ResourceHarness.Plan created = instance.plan(Optional.empty(), config);
        assertThat(created.errors()).isEmpty();
        assertThat(created.value().longValue("cpu_count")).contains(2L);
        assertThat(created.value().isKnown("cpus")).as("chosen at apply").isFalse();

        hosts.on(MkctlOperation.OverlayApply.class, host(InstanceStatus.READY, List.of(4, 5)), TestStates.applied(1));
        TfObject state =
                instance.apply(Optional.empty(), created.value(), config).value();
        assertThat(state.longValue("cpu_count")).contains(2L);
        assertThat(state.string("cpus")).contains("4-5");

        TfObject read = instance.read(state).value();
        assertThat(read.longValue("cpu_count")).contains(2L);
        assertThat(read.string("cpus")).contains("4-5");
        ResourceHarness.Plan again = instance.plan(Optional.of(read), config);
        assertThat(again.diagnostics()).isEmpty();
        assertThat(again.value()).isEqualTo(read);
    }

    @Test
    void stateFromBeforeTheRuleKeepsItsCountUntilTheCpusChange() {
        TfObject prior = imported().with("cpu_count", 2L); // 0.1.0 recorded both
        TfObject config = generated(prior).with("cpu_count", null);

        ResourceHarness.Plan same = instance.plan(Optional.of(prior), config);
        assertThat(same.diagnostics()).isEmpty();
        assertThat(same.value()).as("upgrading shows no change").isEqualTo(prior);

        ResourceHarness.Plan resized = instance.plan(Optional.of(prior), config.with("cpus", "4-6"));
        assertThat(resized.errors()).isEmpty();
        assertThat(resized.value().isNull("cpu_count")).isTrue();
    }
}
