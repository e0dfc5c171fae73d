package dev.multikernel.acceptance;

import static dev.multikernel.acceptance.harness.Workspace.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.TfState;
import dev.multikernel.acceptance.harness.Workspace;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceStatus;
import dev.tfjvm.testing.TerraformCli;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Five simulated hosts (four on the current tree, one RFC v2) configured in one apply with for_each. */
class FleetIT {
    static final List<String> CURRENT = List.of("fl1", "fl2", "fl3", "fl4");
    static final String V2 = "flv2";

    @RegisterExtension
    static final SimulatedFleet FLEET = SimulatedFleet.builder()
            .current("fl1")
            .current("fl2")
            .current("fl3")
            .current("fl4")
            .rfcV2(V2)
            .build();

    @Test
    void fiveHostsInOneApply() {
        // see LifecycleIT.rfcV2PoolAndInstanceOnAHostNotMountedYet: the RFC v2 host is mounted as a boot script would
        FLEET.outOfBand(V2).mount();
        String current = CURRENT.stream()
                .map(h -> "    " + h + " = \"" + FLEET.address(h) + "\"")
                .collect(Collectors.joining("\n"));
        Workspace ws =
                FLEET.workspace("fleet").main("""
                locals {
                  current = {
                %s
                  }
                  v2 = {
                    %s = "%s"
                  }
                  all = merge(local.current, local.v2)
                }

                resource "multikernel_pool" "current" {
                  for_each = local.current
                  host     = each.value
                  cpus     = "4-7"
                  memory   = [{ size = "1GiB" }]
                }

                resource "multikernel_pool" "v2" {
                  for_each = local.v2
                  host     = each.value
                }

                resource "multikernel_instance" "web" {
                  for_each      = local.all
                  host          = each.value
                  name          = "web"
                  cpu_count     = 2
                  memory        = "128MiB"
                  kernel        = "%s"
                  desired_state = contains(keys(local.v2), each.key) ? "loaded" : "active"
                  depends_on    = [multikernel_pool.current, multikernel_pool.v2]
                }

                output "web_cpus" {
                  value = { for k, w in multikernel_instance.web : k => w.cpus }
                }
                """.formatted(current, V2, FLEET.address(V2), FLEET.kernelImage()));

        TerraformCli.Result plan = expect(0, ws.plan());
        assertThat(plan.stdout()).contains("Plan: 10 to add, 0 to change, 0 to destroy.");

        long start = System.nanoTime();
        expect(0, ws.apply());
        long applyMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("FleetIT: apply of 5 pools and 5 instances on 5 hosts took " + applyMillis + " ms");

        TfState state = ws.state();
        assertThat(state.managedAddresses()).hasSize(10);
        for (String h : CURRENT) {
            HostState s = FLEET.outOfBand(h).state();
            assertThat(s.instances()).as(h).hasSize(1);
            assertThat(s.instance("web").orElseThrow().status()).as(h).isEqualTo(InstanceStatus.ACTIVE);
            assertThat(state.attr("multikernel_instance.web[\"" + h + "\"]", "cpus"))
                    .as(h)
                    .isEqualTo("6-7");
            assertThat(state.attr("multikernel_instance.web[\"" + h + "\"]", "boot_id"))
                    .as(h)
                    .isEqualTo(FLEET.host(h).kernel().bootId());
        }
        HostState v2 = FLEET.outOfBand(V2).state();
        assertThat(v2.instance("web").orElseThrow().status().hasImage()).isTrue();
        assertThat(state.attr("multikernel_pool.v2[\"" + V2 + "\"]", "interface_generation"))
                .isEqualTo("rfc-v2");
        // compact takes the highest free CPUs; on RFC v2 every CPU but 0 is free
        assertThat(state.attr("multikernel_instance.web[\"" + V2 + "\"]", "cpus"))
                .isEqualTo("6-7");

        TerraformCli.Result again = ws.detailedPlan();
        assertThat(again.exitCode()).as(again.toString()).isZero();

        expect(0, ws.destroy());
        for (String h : FLEET.names()) {
            assertThat(FLEET.outOfBand(h).state().instances()).as(h).isEmpty();
        }
    }
}
