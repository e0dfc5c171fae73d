package dev.multikernel.acceptance;

import static dev.multikernel.acceptance.harness.Workspace.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.acceptance.harness.Hcl;
import dev.multikernel.acceptance.harness.HostSnapshot;
import dev.multikernel.acceptance.harness.OutOfBand;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.TfState;
import dev.multikernel.acceptance.harness.Workspace;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceStatus;
import dev.tfjvm.testing.TerraformCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The quickstart path on freshly booted hosts (/sys/fs/multikernel not mounted yet): a pool and
 * instances in one configuration, plan, apply, a plan that finds nothing to do, destroy, and a host
 * left as it was.
 */
class LifecycleIT {
    @RegisterExtension
    static final SimulatedFleet FLEET =
            SimulatedFleet.builder().current("lc1").rfcV2("lv1").build();

    @BeforeEach
    void clean() {
        FLEET.resetAll();
    }

    static String currentConfig(String host) {
        return Hcl.pool("this", host, "4-7", "1GiB", 1)
                + Hcl.instance("web", host, """
                        name          = "web"
                        cpus          = "4-5"
                        memory        = "256MiB"
                        %s
                        cmdline       = "console=ttyS0"
                        desired_state = "active"
                        depends_on    = [multikernel_pool.this]
                        """.formatted(Hcl.kernel(FLEET.kernelImage())))
                + Hcl.instance("batch", host, """
                        name          = "batch"
                        cpu_count     = 2
                        memory        = "128MiB"
                        desired_state = "ready"
                        depends_on    = [multikernel_pool.this]
                        """);
    }

    @Test
    void currentTreePoolAndInstancesFromPlanToDestroy() {
        String host = FLEET.address("lc1");
        OutOfBand oob = FLEET.outOfBand("lc1");
        Workspace ws = FLEET.workspace("lifecycle-current").main(currentConfig(host));
        HostSnapshot untouched = HostSnapshot.of(FLEET.host("lc1"));

        TerraformCli.Result plan = expect(0, ws.plan());
        assertThat(plan.stdout())
                .contains("Plan: 3 to add, 0 to change, 0 to destroy.")
                .contains("multikernel_pool.this will be created")
                .contains("multikernel_instance.web will be created")
                .contains("multikernel_instance.batch will be created");
        assertThat(HostSnapshot.of(FLEET.host("lc1")))
                .as("plan changes nothing")
                .isEqualTo(untouched);

        expect(0, ws.apply());
        TfState state = ws.state();
        assertThat(state.managedAddresses())
                .containsExactlyInAnyOrder(
                        "multikernel_pool.this", "multikernel_instance.web", "multikernel_instance.batch");
        assertThat(state.attr("multikernel_pool.this", "interface_generation")).isEqualTo("current");
        assertThat(state.attr("multikernel_pool.this", "boot_id")).isEqualTo(oob.bootId());
        assertThat(state.values("multikernel_pool.this")
                        .path("physical_cpu_ids")
                        .toString())
                .isEqualTo("[16,18,20,22]");
        assertThat(state.attr("multikernel_instance.web", "status")).isEqualTo("active");
        assertThat(state.attr("multikernel_instance.web", "cpus")).isEqualTo("4-5");
        assertThat(state.values("multikernel_instance.web")
                        .path("physical_cpu_ids")
                        .toString())
                .isEqualTo("[16,18]");
        assertThat(state.attr("multikernel_instance.batch", "status")).isEqualTo("ready");
        // compact: the highest free pool CPUs
        assertThat(state.attr("multikernel_instance.batch", "cpus")).isEqualTo("6-7");
        assertThat(state.attr("multikernel_instance.web", "instance_id"))
                .isNotEqualTo(state.attr("multikernel_instance.batch", "instance_id"));

        HostState host1 = oob.state();
        assertThat(host1.instance("web").orElseThrow().status()).isEqualTo(InstanceStatus.ACTIVE);
        assertThat(host1.instance("batch").orElseThrow().status()).isEqualTo(InstanceStatus.READY);
        assertThat(host1.instance("web").orElseThrow().id().getAsInt())
                .isEqualTo(Integer.parseInt(state.attr("multikernel_instance.web", "instance_id")));
        assertThat(poolOf(host1).cpusAvailable())
                .as("every pool CPU is given out")
                .isEmpty();

        TerraformCli.Result again = ws.detailedPlan();
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).contains("No changes.");

        expect(0, ws.destroy());
        assertThat(ws.state().managedAddresses()).isEmpty();
        HostState after = oob.state();
        assertThat(after.instances()).isEmpty();
        assertThat(after.pool()
                        .flatMap(p -> p.deviceTree().value())
                        .map(PoolTree::cpus)
                        .orElse(java.util.List.of()))
                .as("the pool gave every CPU back")
                .isEmpty();
        assertThat(after.bootId())
                .as("destroy did not reboot the host")
                .isEqualTo(state.attr("multikernel_pool.this", "boot_id"));
    }

    @Test
    void rfcV2PoolAndInstanceFromPlanToDestroy() {
        String host = FLEET.address("lv1");
        OutOfBand oob = FLEET.outOfBand("lv1");
        oob.mount(); // as a boot script would; see rfcV2PoolAndInstanceOnAHostNotMountedYet
        Workspace ws = FLEET.workspace("lifecycle-v2").main(v2Config(host));
        expect(0, ws.apply());
        TfState state = ws.state();
        assertThat(state.attr("multikernel_pool.this", "interface_generation")).isEqualTo("rfc-v2");
        assertThat(state.values("multikernel_pool.this")
                        .path("memory")
                        .get(0)
                        .path("size")
                        .asText())
                .as("the boot-time mkkernel_pool=4G region")
                .isEqualTo("4GiB");
        assertThat(state.attr("multikernel_instance.db", "cpus")).isEqualTo("2-3");
        assertThat(oob.instance("db").status().hasImage()).isTrue();

        TerraformCli.Result again = ws.detailedPlan();
        assertThat(again.exitCode()).as(again.toString()).isZero();

        expect(0, ws.destroy());
        assertThat(oob.state().instances()).isEmpty();
        assertThat(ws.state().managedAddresses()).isEmpty();
    }

    static String v2Config(String host) {
        return Hcl.v2Pool("this", host) + Hcl.instance("db", host, """
                name          = "db"
                cpus          = "2-3"
                memory        = "256MiB"
                %s
                desired_state = "loaded"
                depends_on    = [multikernel_pool.this]
                """.formatted(Hcl.kernel(FLEET.kernelImage())));
    }

    @Test
    void rfcV2PoolAndInstanceOnAHostNotMountedYet() {
        Workspace ws = FLEET.workspace("v2-unmounted").main(v2Config(FLEET.address("lv1")));
        TerraformCli.Result apply = ws.apply();
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(FLEET.outOfBand("lv1").instance("db").status().hasImage()).isTrue();
    }

    /** Regression: a create without devices once answered devices = [] where the plan said null. */
    @Test
    void anInstanceWithoutDevicesOnACurrentHost() {
        String host = FLEET.address("lc1");
        FLEET.outOfBand("lc1").createPool(java.util.List.of(4, 5, 6, 7), 1L << 30, 1);
        Workspace ws = FLEET.workspace("no-devices").main(Hcl.instance("web", host, """
                name          = "web"
                cpus          = "4-5"
                memory        = "64MiB"
                desired_state = "ready"
                """));
        TerraformCli.Result apply = ws.apply();
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(ws.detailedPlan().exitCode()).isZero();
    }

    static PoolTree poolOf(HostState state) {
        return state.pool().orElseThrow().deviceTree().value().orElseThrow();
    }
}
