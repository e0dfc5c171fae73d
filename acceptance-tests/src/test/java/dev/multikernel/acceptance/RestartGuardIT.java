package dev.multikernel.acceptance;

import static dev.multikernel.acceptance.harness.Workspace.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.acceptance.harness.Hcl;
import dev.multikernel.acceptance.harness.HostSnapshot;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.Workspace;
import dev.multikernel.host.state.InstanceStatus;
import dev.tfjvm.testing.TerraformCli;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every plan that stops a running instance needs allow_restart (issue 15), and a name the host
 * already has from elsewhere is found by the plan, not by the apply.
 */
class RestartGuardIT {
    @RegisterExtension
    static final SimulatedFleet FLEET =
            SimulatedFleet.builder().current("rg1").current("rg2").build();

    private static String config(String host, boolean allowRestart) {
        return Hcl.pool("this", host, "4-7", "1GiB", 0)
                + Hcl.instance("web", host, """
                        name          = "web"
                        cpus          = "4-5"
                        memory        = "128MiB"
                        %s
                        allow_restart = %s
                        depends_on    = [multikernel_pool.this]
                        """.formatted(Hcl.kernel(FLEET.kernelImage()), allowRestart));
    }

    @Test
    void replaceAndTaintOfARunningInstanceNeedAllowRestart() {
        String host = FLEET.address("rg1");
        Workspace ws = FLEET.workspace("restart-guard").main(config(host, false));
        expect(0, ws.apply());
        String bootId = FLEET.outOfBand("rg1").bootId();

        for (List<String> how : List.of(List.of("-replace=multikernel_instance.web"), List.<String>of())) {
            if (how.isEmpty()) {
                expect(0, ws.run("taint", "multikernel_instance.web"));
            }
            TerraformCli.Result plan = ws.plan(how.toArray(String[]::new));
            assertThat(plan.exitCode()).as(how + "\n" + plan).isEqualTo(1);
            assertThat(plan.errors())
                    .contains("Instance \"web\" is replaced and would stop while running")
                    .contains("Set allow_restart = true on this instance")
                    .contains("allow_restart = false");
            TerraformCli.Result apply = ws.apply(how.toArray(String[]::new));
            assertThat(apply.exitCode()).as(how + "\n" + apply).isEqualTo(1);
            assertThat(FLEET.outOfBand("rg1").instance("web").status())
                    .as(how + ": still running")
                    .isEqualTo(InstanceStatus.ACTIVE);
        }

        // with the opt-in, the tainted instance is replaced
        ws.main(config(host, true));
        expect(0, ws.apply());
        assertThat(FLEET.outOfBand("rg1").instance("web").status()).isEqualTo(InstanceStatus.ACTIVE);
        assertThat(ws.state().tainted("multikernel_instance.web")).isFalse();
        assertThat(FLEET.outOfBand("rg1").bootId()).isEqualTo(bootId);
        expect(0, ws.destroy());
    }

    @Test
    void aNameTheHostAlreadyHasFailsThePlanAndLeavesTheHostAsItWas() {
        String host = FLEET.address("rg2");
        Workspace ws = FLEET.workspace("taken-name").main(Hcl.pool("this", host, "4-7", "1GiB", 0));
        expect(0, ws.apply());
        FLEET.outOfBand("rg2").createInstance("web", 3, List.of(6), 64L << 20);
        HostSnapshot before = HostSnapshot.of(FLEET.host("rg2"));

        ws.main(config(host, false));
        TerraformCli.Result plan = ws.plan();
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
        assertThat(plan.errors())
                .contains("Instance \"web\" already exists on host " + host)
                .contains("import { to = <this resource's address> id = \"" + host + ":web\" }")
                .contains("with multikernel_instance.web")
                .contains("name = \"web\"");
        assertThat(ws.apply().exitCode()).isEqualTo(1);
        assertThat(HostSnapshot.of(FLEET.host("rg2"))).isEqualTo(before);
    }
}
