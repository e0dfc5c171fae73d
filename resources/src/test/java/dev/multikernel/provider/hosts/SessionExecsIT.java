package dev.multikernel.provider.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.provider.testing.SimulatedFleet;
import dev.multikernel.sim.fixtures.KernelImages;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.tfjvm.testing.TerraformCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH execs on the host for creating one running instance with the real {@code terraform}, with
 * mkctl sessions off and on (docs/performance.md): counted by the simulated host's SSH server.
 * Prints the figures; asserts only that sessions make fewer execs.
 */
class SessionExecsIT {
    @TempDir
    static Path work;

    static SimulatedFleet fleet;
    static Path kernel;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start("mkses");
        kernel = KernelImages.validImage(Files.createDirectories(fleet.dir().resolve("k")));
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty(MkctlOptions.SESSIONS_PROPERTY);
        if (fleet != null) {
            fleet.close();
        }
    }

    /** A host with mkctl deployed and a pool written, as an operator would have left it. */
    static SimulatedHost preparedHost(String name) throws Exception {
        SimulatedHost host = fleet.host(name, InterfaceGeneration.CURRENT);
        MkctlClient mk = fleet.direct(host);
        mk.state();
        mk.mount();
        mk.baseline(Fdt.write(
                new Baseline(List.of(2L, 4L, 6L, 16L), List.of(MemoryRequest.of(1L << 30, 0)), List.of(), Map.of())
                        .toTree()));
        return host;
    }

    record Counts(long plan, long apply, long refresh) {}

    static Counts createOneInstance(String label, SimulatedHost host, String sessions) throws Exception {
        System.setProperty(MkctlOptions.SESSIONS_PROPERTY, sessions);
        TerraformCli tf = fleet.terraform(work, label);
        tf.file("main.tf", fleet.providerBlock() + """
                        resource "multikernel_instance" "web" {
                          host   = "%s"
                          name   = "web"
                          cpus   = "1,2"
                          memory = "64MiB"
                          kernel = "%s"
                        }
                        """.formatted(SimulatedFleet.address(host), kernel));
        tf.expect(0, "init", "-no-color");
        long e0 = host.execs();
        tf.expect(0, "plan", "-no-color");
        long e1 = host.execs();
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        long e2 = host.execs();
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");
        long e3 = host.execs();
        Counts c = new Counts(e1 - e0, e2 - e1, e3 - e2);
        System.out.printf(
                Locale.ROOT,
                "instance create, mkctl sessions %s: SSH execs plan %d, apply %d, plan after apply %d%n",
                sessions,
                c.plan(),
                c.apply(),
                c.refresh());
        return c;
    }

    @Test
    void sessionsMakeFewerExecsPerInstanceCreate() throws Exception {
        Counts oneShot = createOneInstance("off", preparedHost("ses-off"), "0");
        Counts session = createOneInstance("on", preparedHost("ses-on"), "2");
        assertThat(session.apply()).isLessThan(oneShot.apply());
        assertThat(session.plan() + session.apply() + session.refresh())
                .isLessThan(oneShot.plan() + oneShot.apply() + oneShot.refresh());
    }
}
