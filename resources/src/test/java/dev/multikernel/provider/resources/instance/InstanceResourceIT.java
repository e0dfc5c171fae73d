package dev.multikernel.provider.resources.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.mkctl.HaltMode;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.provider.testing.SimulatedFleet;
import dev.multikernel.sim.fixtures.KernelImages;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.tfjvm.testing.TerraformCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multikernel_instance} with the real {@code terraform} against simulated hosts of both
 * interface generations (real SSH, the real mkctl uploaded by the provider). Pools are written
 * directly with mkctl here, as an operator would have done; the pool resource has its own test.
 */
class InstanceResourceIT {
    @TempDir
    static Path work;

    static SimulatedFleet fleet;
    static Path kernel;
    static Path kernel2;
    static SimulatedHost current;
    static SimulatedHost rfcV2;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start("mkin");
        current = fleet.host("in-cur", InterfaceGeneration.CURRENT);
        rfcV2 = fleet.host("in-v2", InterfaceGeneration.RFC_V2);
        kernel = KernelImages.validImage(Files.createDirectories(fleet.dir().resolve("k1")));
        kernel2 = KernelImages.validImage(Files.createDirectories(fleet.dir().resolve("k2")));

        MkctlClient mk = fleet.direct(current);
        mk.state(); // while every CPU is online, so the helper can learn their APIC ids
        mk.mount();
        mk.baseline(Fdt.write(new Baseline(
                        List.of(2L, 4L, 6L, 16L, 18L, 20L, 22L),
                        List.of(MemoryRequest.of(1L << 30, 0), MemoryRequest.of(1L << 30, 1)),
                        List.of(),
                        Map.of())
                .toTree()));
        fleet.direct(rfcV2).mount();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void currentHostLifecycleWithLiveResizeRestartAndDrift() throws Exception {
        String host = "127.0.0.1:" + current.port();
        TerraformCli tf = fleet.terraform(work, "current");
        String config = fleet.providerBlock() + """
                resource "multikernel_instance" "web" {
                  host    = "%1$s"
                  name    = "web"
                  cpus    = "1,2"
                  memory  = "256MiB"
                  kernel  = "%2$s"
                  cmdline = "console=ttyS0"
                }

                resource "multikernel_instance" "batch" {
                  host          = "%1$s"
                  name          = "batch"
                  cpu_count     = 2
                  cpu_policy    = "same_numa_node"
                  memory        = "128MiB"
                  numa_node     = 1
                  desired_state = "ready"
                }
                """;
        tf.file("main.tf", config.formatted(host, kernel));
        tf.expect(0, "init", "-no-color");
        String plan = tf.expect(0, "plan", "-no-color").stdout();
        assertThat(plan).contains("cpus").contains("(known after apply)");
        tf.expect(0, "apply", "-no-color", "-auto-approve");

        JsonNode web = SimulatedFleet.resource(tf, "multikernel_instance.web");
        assertThat(web.get("status").asText()).isEqualTo("active");
        assertThat(web.get("cpus").asText()).isEqualTo("1,2");
        assertThat(web.get("physical_cpu_ids").toString()).isEqualTo("[2,4]");
        JsonNode batch = SimulatedFleet.resource(tf, "multikernel_instance.batch");
        // instances without instance_id share the lowest free ids, in the order they are created
        assertThat(List.of(
                        web.get("instance_id").asInt(), batch.get("instance_id").asInt()))
                .containsExactlyInAnyOrder(1, 2);
        assertThat(batch.get("cpus").asText()).isEqualTo("6-7"); // the highest free CPUs of node 1
        assertThat(batch.get("status").asText()).isEqualTo("ready");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        // live: two more CPUs for web, no restart needed
        tf.file(
                "main.tf",
                config.replace("cpus    = \"1,2\"", "cpus    = \"1-3\"").formatted(host, kernel));
        String live = tf.expect(0, "apply", "-no-color", "-auto-approve").stdout();
        assertThat(live).contains("changes live");
        assertThat(fleet.direct(current).state().instance("web").orElseThrow().status())
                .isEqualTo(InstanceStatus.ACTIVE);
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        // a new kernel stops web: refused without allow_restart
        String restart = config.replace("cpus    = \"1,2\"", "cpus    = \"1-3\"");
        tf.file("main.tf", restart.formatted(host, kernel2));
        assertThat(tf.expect(1, "plan", "-no-color").errors()).contains("allow_restart");
        tf.file(
                "main.tf",
                restart.replace("cmdline = \"console=ttyS0\"", "cmdline = \"console=ttyS0\"\n  allow_restart = true")
                        .formatted(host, kernel2));
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        // drift: web halted behind Terraform's back
        int id =
                fleet.direct(current).state().instance("web").orElseThrow().id().getAsInt();
        fleet.direct(current).halt(id, HaltMode.GRACEFUL, Duration.ofSeconds(5));
        TerraformCli.Result drift = tf.expect(2, "plan", "-no-color", "-detailed-exitcode");
        assertThat(drift.stdout()).contains("desired_state").contains("\"loaded\" -> \"active\"");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        tf.expect(0, "destroy", "-no-color", "-auto-approve");
        HostState after = fleet.direct(current).state();
        assertThat(after.instances()).isEmpty();
    }

    @Test
    void overlappingCpusFailThePlanAndTheHostIsUntouched() throws Exception {
        String host = "127.0.0.1:" + current.port();
        TerraformCli tf = fleet.terraform(work, "overlap");
        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_instance" "a" {
                  host = "%1$s"
                  name = "a"
                  cpus = "1-2"
                  desired_state = "ready"
                }

                resource "multikernel_instance" "b" {
                  host = "%1$s"
                  name = "b"
                  cpus = "2-3"
                  desired_state = "ready"
                }

                resource "multikernel_instance" "c" {
                  host   = "%1$s"
                  name   = "c"
                  cpus   = "99"
                  desired_state = "ready"
                }
                """.formatted(host));
        tf.expect(0, "init", "-no-color");
        String errors = tf.expect(1, "plan", "-no-color").errors();
        assertThat(errors).contains("CPU 2 is also requested by instance");
        assertThat(errors).contains("CPU 99 does not exist on host");
        assertThat(fleet.direct(current).state().instances()).isEmpty();

        // malformed values stop Terraform before it plans anything
        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_instance" "d" {
                  host   = "%1$s"
                  name   = "d"
                  cpus   = "4-"
                  memory = "lots"
                }
                """.formatted(host));
        String invalid = tf.expect(1, "plan", "-no-color").errors();
        assertThat(invalid)
                .contains("Invalid CPU list")
                .contains("Invalid memory size")
                .contains("\"lots\" is not a size");
        assertThat(fleet.direct(current).state().instances()).isEmpty();
    }

    @Test
    void rfcV2InstanceIsCreatedLoadedImportedAndRemoved() throws Exception {
        String host = "127.0.0.1:" + rfcV2.port();
        TerraformCli tf = fleet.terraform(work, "v2");
        String config = fleet.providerBlock() + """
                resource "multikernel_instance" "db" {
                  host          = "%s"
                  name          = "db"
                  cpus          = "2-3"
                  memory        = "64MiB"
                  desired_state = "loaded"
                  kernel        = "%s"
                }
                """.formatted(host, kernel);
        tf.file("main.tf", config);
        tf.expect(0, "init", "-no-color");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        JsonNode db = SimulatedFleet.resource(tf, "multikernel_instance.db");
        assertThat(db.get("interface_generation").asText()).isEqualTo("rfc-v2");
        assertThat(db.get("physical_cpu_ids").toString()).isEqualTo("[2,3]");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        // forget it, import it again: the plan only records the kernel path
        tf.expect(0, "state", "rm", "multikernel_instance.db");
        tf.expect(0, "import", "-no-color", "multikernel_instance.db", host + ":db");
        JsonNode imported = SimulatedFleet.resource(tf, "multikernel_instance.db");
        assertThat(imported.get("cpus").asText()).isEqualTo("2-3");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        tf.expect(0, "destroy", "-no-color", "-auto-approve");
        assertThat(fleet.direct(rfcV2).state().instances()).isEmpty();
    }

    @Test
    void aPoolAndItsInstancesInOneApply() throws Exception {
        SimulatedHost fresh = fleet.host("in-new", InterfaceGeneration.CURRENT);
        TerraformCli tf = fleet.terraform(work, "together");
        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_pool" "p" {
                  host   = "%1$s"
                  cpus   = "1-7"
                  memory = [{ size = "1GiB", numa_node = 0 }, { size = "1GiB", numa_node = 1 }]
                }

                resource "multikernel_instance" "web" {
                  host   = multikernel_pool.p.host
                  name   = "web"
                  cpus   = "1-2"
                  memory = "256MiB"
                  kernel = "%2$s"
                }

                resource "multikernel_instance" "workers" {
                  for_each      = toset(["w1", "w2"])
                  host          = multikernel_pool.p.host
                  name          = each.key
                  cpu_count     = 2
                  memory        = "64MiB"
                  desired_state = "ready"
                }
                """.formatted(SimulatedFleet.address(fresh), kernel));
        tf.expect(0, "init", "-no-color");
        // the host has no pool yet: the instances are checked against the pool planned beside them
        String plan = tf.expect(0, "plan", "-no-color").stdout();
        assertThat(plan).contains("4 to add");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        String w1 = SimulatedFleet.resource(tf, "multikernel_instance.workers[\"w1\"]")
                .get("cpus")
                .asText();
        String w2 = SimulatedFleet.resource(tf, "multikernel_instance.workers[\"w2\"]")
                .get("cpus")
                .asText();
        assertThat(List.of(w1, w2)).containsExactlyInAnyOrder("4-5", "6-7");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        // renaming replaces the running instance: only with allow_restart
        String main = tf.readFile("main.tf");
        tf.file("main.tf", main.replace("name   = \"web\"", "name   = \"web2\""));
        assertThat(tf.expect(1, "plan", "-no-color").errors())
                .contains("is replaced and would stop while running")
                .contains("allow_restart = true");
        tf.file("main.tf", main);

        // more workers than free CPUs: the plan says so and names cpu_count
        tf.file("main.tf", tf.readFile("main.tf").replace("[\"w1\", \"w2\"]", "[\"w1\", \"w2\", \"w3\"]"));
        assertThat(tf.expect(1, "plan", "-no-color").errors())
                .contains("Cannot allocate 2 more CPUs")
                .contains("cpu_count");

        tf.file("main.tf", tf.readFile("main.tf").replace("[\"w1\", \"w2\", \"w3\"]", "[\"w1\", \"w2\"]"));
        tf.expect(0, "destroy", "-no-color", "-auto-approve");
        HostState after = fleet.direct(fresh).state();
        assertThat(after.instances()).isEmpty();
    }

    @Test
    void aRunningRfcV2InstanceCannotBeStopped() throws Exception {
        SimulatedHost v2 = fleet.host("in-v2run", InterfaceGeneration.RFC_V2);
        fleet.direct(v2).mount();
        TerraformCli tf = fleet.terraform(work, "v2-running");
        String config = fleet.providerBlock() + """
                resource "multikernel_instance" "app" {
                  host          = "%s"
                  name          = "app"
                  cpus          = "3"
                  memory        = "64MiB"
                  kernel        = "%s"
                  desired_state = "active"
                  allow_restart = true
                }
                """.formatted(SimulatedFleet.address(v2), kernel);
        tf.file("main.tf", config);
        tf.expect(0, "init", "-no-color");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        assertThat(fleet.direct(v2).state().instance("app").orElseThrow().status())
                .isEqualTo(InstanceStatus.ACTIVE);

        // the RFC v2 interface has no halt: the plan says so instead of failing half-way at apply
        tf.file("main.tf", config.replace("desired_state = \"active\"", "desired_state = \"ready\""));
        assertThat(tf.expect(1, "plan", "-no-color").errors())
                .contains("cannot be stopped on host")
                .contains("no way to stop a running instance");
        // nor can it be destroyed: the error says what to do, and state keeps it
        tf.file("main.tf", config);
        assertThat(tf.expect(1, "destroy", "-no-color", "-auto-approve").errors())
                .contains("is running on an RFC v2 host")
                .contains("Reboot host");
        assertThat(tf.expect(0, "state", "list").stdout()).contains("multikernel_instance.app");
    }
}
