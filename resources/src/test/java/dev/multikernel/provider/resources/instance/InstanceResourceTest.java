package dev.multikernel.provider.resources.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.mkctl.HaltMode;
import dev.multikernel.host.mkctl.MkctlOperation;
import dev.multikernel.host.mkctl.MkctlResult;
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
 * multikernel_instance through the Hosts seam: plan, create, update, read and delete against a
 * fixed host state, with the kernel operations recorded, without Terraform.
 */
class InstanceResourceTest {
    private static final long MEM = 256 * TestStates.MIB;
    private static final HostState POOLED = TestStates.withPool(List.of(4, 5, 6, 7), List.of(), List.of());

    private final FakeHosts hosts = new FakeHosts(POOLED);
    private final ResourceHarness instance = new ResourceHarness(new InstanceResource(hosts));

    private static HostState with(InstanceStatus status) {
        return TestStates.withPool(List.of(4, 5, 6, 7), List.of(web(status)), List.of());
    }

    private static InstanceState web(InstanceStatus status) {
        return TestStates.instance("web", 1, status, List.of(4, 5), TestStates.CHUNK_BASE, MEM);
    }

    private TfObject config(String desiredState) {
        TfObject c = instance.object()
                .with("host", "h1")
                .with("name", "web")
                .with("cpus", "4-5")
                .with("memory", "256MiB")
                .with("desired_state", desiredState);
        return desiredState.equals("ready") ? c : c.with("kernel", "/boot/vmlinuz-mk");
    }

    private static OverlayTransaction written(MkctlOperation op) throws Exception {
        return OverlayTransaction.read(
                Fdt.parse(((MkctlOperation.OverlayApply) op).blob().orElseThrow()));
    }

    @Test
    void aPlanShowsTheApicIdsAndLeavesWhatTheKernelAssignsUnknown() {
        ResourceHarness.Plan plan = instance.plan(Optional.empty(), config("active"));

        assertThat(plan.diagnostics()).isEmpty();
        TfObject p = plan.value();
        assertThat(p.string("id")).contains("h1:web");
        assertThat(p.isNull("cpu_count")).as("cpus is set: no count is made up").isTrue();
        assertThat(p.get("physical_cpu_ids").toString()).contains("8").contains("10");
        assertThat(p.string("interface_generation")).contains("current");
        assertThat(p.string("boot_id")).contains(TestStates.BOOT);
        assertThat(p.isKnown("instance_id")).isFalse();
        assertThat(p.isKnown("status")).isFalse();
        assertThat(hosts.changes()).isEmpty();
    }

    @Test
    void aCpuOutsideThePoolIsAPlanErrorOnCpus() {
        ResourceHarness.Plan plan =
                instance.plan(Optional.empty(), config("active").with("cpus", "1,4"));

        assertThat(plan.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("cpus");
            assertThat(d.summary() + " " + d.detail()).contains("1");
        });
    }

    @Test
    void createAReadyInstanceIsOneTaggedInstanceCreateInApicIds() throws Exception {
        hosts.on(MkctlOperation.OverlayApply.class, with(InstanceStatus.READY), TestStates.applied(1));

        ResourceHarness.Result r = instance.planAndApply(Optional.empty(), config("ready"));

        assertThat(r.errors()).isEmpty();
        assertThat(hosts.changes()).singleElement().isInstanceOf(MkctlOperation.OverlayApply.class);
        OverlayTransaction tx = written(hosts.changes().get(0));
        assertThat(tx.resourcesTag()).contains("terraform:instance:web");
        assertThat(tx.operations())
                .singleElement()
                .isInstanceOfSatisfying(
                        OverlayOperation.InstanceCreate.class,
                        op -> assertThat(op.toString())
                                .contains("web")
                                .contains("8")
                                .contains("10"));
        TfObject s = r.value();
        assertThat(s.longValue("instance_id")).contains(1L);
        assertThat(s.string("status")).contains("ready");
        assertThat(s.string("cpus")).contains("4-5");
        assertThat(s.string("memory")).contains("256MiB");
    }

    @Test
    void createAnActiveInstanceCreatesLoadsAndStartsIt() throws Exception {
        hosts.on(MkctlOperation.OverlayApply.class, with(InstanceStatus.READY), TestStates.applied(1))
                .on(
                        MkctlOperation.Load.class,
                        with(InstanceStatus.LOADED),
                        new MkctlResult.Loaded(1, "", Optional.of(InstanceStatus.LOADED)))
                .on(
                        MkctlOperation.Exec.class,
                        with(InstanceStatus.ACTIVE),
                        new MkctlResult.Started(1, Optional.of(InstanceStatus.ACTIVE)));

        ResourceHarness.Result r = instance.planAndApply(Optional.empty(), config("active"));

        assertThat(r.errors()).isEmpty();
        assertThat(hosts.changes())
                .extracting(op -> op.getClass().getSimpleName())
                .containsExactly("OverlayApply", "Load", "Exec");
        assertThat(hosts.changes().get(1))
                .isEqualTo(new MkctlOperation.Load(1, "/boot/vmlinuz-mk", Optional.empty(), ""));
        assertThat(r.value().string("status")).contains("active");
        assertThat(r.value().string("desired_state")).contains("active");
    }

    @Test
    void aFailedStartKeepsTheInstanceInStateWithTheError() {
        hosts.on(MkctlOperation.OverlayApply.class, with(InstanceStatus.READY), TestStates.applied(1))
                .on(MkctlOperation.Load.class, with(InstanceStatus.LOADED), op -> {
                    throw new dev.multikernel.host.mkctl.KernelRefusedException(
                            "h1", "kexec_file_load: Invalid " + "argument", Optional.empty());
                });

        ResourceHarness.Result r = instance.planAndApply(Optional.empty(), config("active"));

        assertThat(r.errors())
                .singleElement()
                .satisfies(d -> assertThat(d.summary() + d.detail()).contains("kexec_file_load: Invalid argument"));
        assertThat(r.state())
                .as("the instance the kernel has stays in state (tainted)")
                .isPresent();
        assertThat(r.value().longValue("instance_id")).contains(1L);
    }

    @Test
    void stoppingARunningInstanceHaltsAndUnloadsIt() throws Exception {
        hosts.setState(with(InstanceStatus.ACTIVE));
        TfObject prior = instance.importState("h1:web").value();
        prior = instance.planAndApply(Optional.of(prior), config("active")).value();
        hosts.on(
                        MkctlOperation.Halt.class,
                        with(InstanceStatus.LOADED),
                        new MkctlResult.Halted(1, false, Optional.of(InstanceStatus.LOADED)))
                .on(
                        MkctlOperation.Unload.class,
                        with(InstanceStatus.READY),
                        new MkctlResult.Unloaded(1, "", Optional.of(InstanceStatus.READY)));

        TfObject stopped = config("active").with("desired_state", "ready");
        ResourceHarness.Plan plan = instance.plan(Optional.of(prior), stopped);
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.summary()).isEqualTo("Instance \"web\": state change");
            assertThat(d.detail())
                    .isEqualTo("desired_state \"active\" → \"ready\": the instance is halted and " + "unloaded.");
        });
        ResourceHarness.Result r = instance.apply(Optional.of(prior), plan.value(), stopped);

        assertThat(r.errors()).isEmpty();
        assertThat(hosts.changes())
                .containsExactly(
                        new MkctlOperation.Halt(1, HaltMode.GRACEFUL, java.time.Duration.ofSeconds(30)),
                        new MkctlOperation.Unload(1));
        assertThat(r.value().string("status")).contains("ready");
    }

    @Test
    void aRestartOfARunningInstanceWarnsWithAllowRestartAndIsRefusedWithout() throws Exception {
        hosts.setState(with(InstanceStatus.ACTIVE));
        TfObject prior = instance.importState("h1:web").value();
        prior = instance.planAndApply(Optional.of(prior), config("active")).value();
        TfObject newKernel = config("active").with("kernel", "/boot/vmlinuz-mk-2");

        ResourceHarness.Plan refused = instance.plan(Optional.of(prior), newKernel);
        assertThat(refused.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("allow_restart");
            assertThat(d.detail()).contains("this stops it").contains("Set allow_restart = true");
        });

        ResourceHarness.Plan allowed = instance.plan(Optional.of(prior), newKernel.with("allow_restart", true));
        assertThat(allowed.errors()).isEmpty();
        assertThat(allowed.diagnostics())
                .singleElement()
                .satisfies(d -> assertThat(d.detail())
                        .as("no advice to set what is set")
                        .contains("this stops it")
                        .doesNotContain("allow_restart"));
    }

    @Test
    void aLostAnswerToStartIsResolvedByReadingTheKernelNotByTainting() {
        hosts.on(MkctlOperation.OverlayApply.class, with(InstanceStatus.READY), TestStates.applied(1))
                .on(
                        MkctlOperation.Load.class,
                        with(InstanceStatus.LOADED),
                        new MkctlResult.Loaded(1, "", Optional.of(InstanceStatus.LOADED)))
                .on(MkctlOperation.Exec.class, with(InstanceStatus.ACTIVE), op -> {
                    hosts.setState(with(InstanceStatus.ACTIVE)); // it started; the answer never came
                    throw new dev.multikernel.host.ssh.ConnectionLostException("h1", "the connection was closed");
                });

        ResourceHarness.Result r = instance.planAndApply(Optional.empty(), config("active"));

        assertThat(r.errors()).as("no error, so Terraform does not taint it").isEmpty();
        assertThat(r.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.summary()).isEqualTo("The answer from host h1 was lost");
            assertThat(d.detail())
                    .isEqualTo("The connection dropped before the host answered the request to create, load and"
                            + " start instance \"web\"; the kernel shows it active, so it happened, and the state"
                            + " records it as it is.");
        });
        assertThat(r.value().string("status")).contains("active");
        assertThat(hosts.changes())
                .as("never sent twice")
                .extracting(op -> op.getClass().getSimpleName())
                .containsExactly("OverlayApply", "Load", "Exec");
    }

    @Test
    void aLostAnswerToAStartThatDidNotHappenIsAnErrorWithTheInstanceInState() {
        hosts.on(MkctlOperation.OverlayApply.class, with(InstanceStatus.READY), TestStates.applied(1))
                .on(
                        MkctlOperation.Load.class,
                        with(InstanceStatus.LOADED),
                        new MkctlResult.Loaded(1, "", Optional.of(InstanceStatus.LOADED)))
                .on(MkctlOperation.Exec.class, with(InstanceStatus.LOADED), op -> {
                    hosts.setState(with(InstanceStatus.LOADED));
                    throw new dev.multikernel.host.ssh.ConnectionLostException("h1", "the connection was closed");
                });

        ResourceHarness.Result r = instance.planAndApply(Optional.empty(), config("active"));

        assertThat(r.errors())
                .singleElement()
                .satisfies(d -> assertThat(d.summary()).contains("lost"));
        assertThat(r.value().string("status")).contains("loaded");
    }

    @Test
    void replacingARunningInstanceOfThisConfigurationNeedsAllowRestart() {
        // taint or -replace: Terraform reads the instance, then plans a create with no prior state
        hosts.setState(with(InstanceStatus.ACTIVE));
        TfObject prior = instance.importState("h1:web").value();
        instance.read(prior);

        ResourceHarness.Plan refused = instance.plan(Optional.empty(), config("active"));
        assertThat(refused.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("allow_restart");
            assertThat(d.summary()).isEqualTo("Instance \"web\" is replaced and would stop while running");
            assertThat(d.detail())
                    .isEqualTo("Terraform plans to replace it (it is tainted, or the plan was asked to with -replace):"
                            + " the running instance is removed and created again. Set allow_restart = true on this"
                            + " instance to accept the interruption, or run terraform untaint on it / leave -replace"
                            + " out.");
        });
        assertThat(instance.plan(Optional.empty(), config("active").with("allow_restart", true))
                        .errors())
                .isEmpty();
        assertThat(hosts.changes()).isEmpty();
    }

    @Test
    void aNameTheHostAlreadyHasFromElsewhereIsAPlanErrorOnName() {
        hosts.setState(with(InstanceStatus.READY));

        ResourceHarness.Plan plan = instance.plan(Optional.empty(), config("ready"));

        assertThat(plan.errors()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("name");
            assertThat(d.summary()).isEqualTo("Instance \"web\" already exists on host h1");
            assertThat(d.detail())
                    .isEqualTo("The host has an instance of that name, and no resource of this configuration has it"
                            + " in its state (with -refresh=false the plan cannot tell: plan without it). If it was"
                            + " made by hand, by kerf or by an apply whose result was lost, import it with an import"
                            + " block: import { to = <this resource's address>  id = \"h1:web\" }, or give this"
                            + " instance another name.");
        });
    }

    @Test
    void anotherInstancesProblemNamesThatInstanceNotAMadeUpAddress() {
        assertThat(InstanceResource.subject("multikernel_instance.bad/name.cpus"))
                .isEqualTo("Instance \"bad/name\" (cpus)");
        assertThat(InstanceResource.subject("multikernel_instance.v1.2.memory"))
                .isEqualTo("Instance \"v1.2\" (memory)");
        assertThat(InstanceResource.subject("host")).isEqualTo("host");
    }

    @Test
    void readAfterTheInstanceWasRemovedOutOfBandSaysItIsGone() {
        hosts.setState(with(InstanceStatus.READY));
        TfObject prior = instance.importState("h1:web").value();
        hosts.setState(POOLED);

        ResourceHarness.Result r = instance.read(prior);

        assertThat(r.state()).isEmpty();
        assertThat(r.diagnostics())
                .singleElement()
                .satisfies(d -> assertThat(d.summary()).isEqualTo("Instance \"web\" is gone from host h1"));
    }

    @Test
    void deleteRemovesTheInstanceWithOneTaggedTransaction() throws Exception {
        hosts.setState(with(InstanceStatus.READY));
        TfObject prior = instance.importState("h1:web").value();
        hosts.on(MkctlOperation.OverlayApply.class, POOLED, TestStates.applied(2));

        ResourceHarness.Result r = instance.delete(prior);

        assertThat(r.errors()).isEmpty();
        assertThat(written(hosts.changes().get(0)).operations())
                .singleElement()
                .isInstanceOf(OverlayOperation.InstanceRemove.class);
    }

    @Test
    void createAndDeleteOfARunningInstanceAreOneRequestEach() throws Exception {
        hosts.on(MkctlOperation.OverlayApply.class, with(InstanceStatus.READY), TestStates.applied(1))
                .on(
                        MkctlOperation.Load.class,
                        with(InstanceStatus.LOADED),
                        new MkctlResult.Loaded(1, "", Optional.of(InstanceStatus.LOADED)))
                .on(
                        MkctlOperation.Exec.class,
                        with(InstanceStatus.ACTIVE),
                        new MkctlResult.Started(1, Optional.of(InstanceStatus.ACTIVE)));
        instance.plan(Optional.empty(), config("active")); // the plan reads the host once
        int beforeCreate = hosts.requests();
        TfObject made =
                instance.planAndApply(Optional.empty(), config("active")).value();
        assertThat(hosts.requests() - beforeCreate)
                .as("create, load, start and read back")
                .isEqualTo(1);

        hosts.on(
                        MkctlOperation.Halt.class,
                        with(InstanceStatus.LOADED),
                        new MkctlResult.Halted(1, false, Optional.of(InstanceStatus.LOADED)))
                .on(
                        MkctlOperation.Unload.class,
                        with(InstanceStatus.READY),
                        new MkctlResult.Unloaded(1, "", Optional.of(InstanceStatus.READY)))
                .on(MkctlOperation.OverlayApply.class, POOLED, TestStates.applied(2));
        int beforeDelete = hosts.requests();
        assertThat(instance.delete(made).errors()).isEmpty();
        assertThat(hosts.requests() - beforeDelete)
                .as("halt, unload, remove and read back")
                .isEqualTo(1);
        assertThat(hosts.changes())
                .extracting(op -> op.getClass().getSimpleName())
                .containsExactly("OverlayApply", "Load", "Exec", "Halt", "Unload", "OverlayApply");
    }

    @Test
    void aRunningInstanceOnAnRfcV2HostCannotBeDeleted() {
        InstanceState running = new InstanceState(
                "web",
                java.util.OptionalInt.of(1),
                InstanceStatus.ACTIVE,
                "active",
                Optional.empty(),
                Optional.empty());
        hosts.setState(TestStates.rfcV2(2 * TestStates.GIB, List.of(running)));
        TfObject prior = instance.object()
                .with("host", "h1")
                .with("name", "web")
                .with("id", "h1:web")
                .with("instance_id", 1L)
                .with("cpus", "4-5")
                .with("boot_id", TestStates.BOOT)
                .with("desired_state", "active")
                .with("halt_timeout", "30s")
                .with("force_halt", false)
                .with("allow_restart", false)
                .with("cpu_policy", "compact")
                .with("cmdline", "");

        ResourceHarness.Result r = instance.delete(prior);

        assertThat(r.errors()).singleElement().satisfies(d -> {
            assertThat(d.summary()).isEqualTo("Instance \"web\" is running on an RFC v2 host");
            assertThat(d.detail()).contains("Reboot host h1");
        });
        assertThat(hosts.changes()).isEmpty();
    }
}
