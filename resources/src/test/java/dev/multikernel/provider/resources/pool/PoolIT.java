package dev.multikernel.provider.resources.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.TransactionState;
import dev.multikernel.provider.testing.SimulatedFleet;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.tfjvm.testing.TerraformCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multikernel_pool} driven by the real {@code terraform} against simulated hosts of both
 * interface generations (real SSH, the real mkctl the provider uploads), the provider served in this
 * JVM. Each test has its own host.
 */
class PoolIT {
    static final long MIB = 1L << 20;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../examples"));

    @TempDir
    static Path work;

    static SimulatedFleet fleet;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start("mkpool");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    static SimulatedHost host(String name, InterfaceGeneration generation) throws IOException {
        return fleet.host(name, generation);
    }

    static PoolTree poolTree(HostState s) {
        return s.pool().flatMap(p -> p.deviceTree().value()).orElseThrow();
    }

    /**
     * Default topology: logical 0-7, APIC ids 0,2,4,6 (node 0) and 16,18,20,22 (node 1); CPU 0 is the
     * host's own.
     */
    @Test
    void currentHostCreateUpdateImportAndDestroy() throws Exception {
        SimulatedHost sim = host("pool-cur", InterfaceGeneration.CURRENT);
        String addr = "127.0.0.1:" + sim.port();
        TerraformCli tf = fleet.terraform(work, "current");

        // create: a CPU list and a size in the user's own spelling
        tf.file("main.tf", fleet.providerBlock() + pool(addr, "\"2,1\"", "[{ size = \"1024MiB\" }]"));
        JsonNode created = apply(tf);
        assertThat(created.get("cpus").asText()).isEqualTo("2,1");
        assertThat(created.get("physical_cpu_ids").toString()).isEqualTo("[2,4]");
        assertThat(created.get("memory").get(0).get("size").asText()).isEqualTo("1024MiB");
        assertThat(created.get("memory").get(0).get("numa_node").isNumber()).isTrue();
        assertThat(created.get("interface_generation").asText()).isEqualTo("current");
        assertThat(created.get("boot_id").asText()).isEqualTo(sim.kernel().bootId());
        assertThat(created.get("id").asText()).isEqualTo(addr);
        MkctlClient mk = fleet.direct(sim);
        PoolTree tree = poolTree(mk.state());
        assertThat(tree.cpus()).containsExactly(2L, 4L);
        assertThat(tree.chunks())
                .singleElement()
                .satisfies(c -> assertThat(c.size()).isEqualTo(1024 * MIB));
        assertThat(tf.run("plan", "-no-color", "-detailed-exitcode").exitCode())
                .as("no diff after create")
                .isEqualTo(0);

        // update: add a CPU and a chunk on node 1; the first chunk's spelling changes, not its size
        String updated = pool(addr, "\"1-3\"", "[{ size = \"1GiB\" }, { size = \"512MiB\", numa_node = 1 }]");
        tf.file("main.tf", fleet.providerBlock() + updated);
        JsonNode grown = apply(tf);
        assertThat(grown.get("cpus").asText()).isEqualTo("1-3");
        assertThat(grown.get("physical_cpu_ids").toString()).isEqualTo("[2,4,6]");
        assertThat(grown.get("memory").get(0).get("size").asText()).isEqualTo("1GiB");
        assertThat(grown.get("memory").get(1).get("numa_node").asInt()).isEqualTo(1);
        HostState after = mk.state();
        assertThat(poolTree(after).cpus()).containsExactly(2L, 4L, 6L);
        assertThat(poolTree(after).chunks()).extracting(c -> c.size()).containsExactlyInAnyOrder(1024 * MIB, 512 * MIB);
        assertThat(after.transactions()).singleElement().satisfies(t -> {
            assertThat(t.resources()).isEqualTo("terraform:pool");
            assertThat(t.statusText()).isEqualTo("applied");
        });
        assertThat(tf.run("plan", "-no-color", "-detailed-exitcode").exitCode())
                .as("no diff after update")
                .isEqualTo(0);

        // a device the host does not have: the kernel fails the transaction. Removing it would undo
        // every step, the failed device-add too, which the (simulated) kernel cannot: the error says
        // so, and nothing of the change is in force.
        tf.file(
                "main.tf",
                fleet.providerBlock()
                        + updated.replace("memory = [", "devices = [{ address = \"0000:0a:00.0\" }]\n  memory = ["));
        TerraformCli.Result failed = tf.expect(1, "apply", "-no-color", "-auto-approve");
        assertThat(failed.errors().replaceAll("\\s+", " "))
                .contains("The kernel did not change the pool on host " + addr)
                .contains("ended with status 'failed'")
                .containsAnyOf("was rolled back: the pool is as it was", "stays on the host with status failed");
        HostState rolledBack = mk.state();
        assertThat(rolledBack.transactions())
                .filteredOn(t -> t.statusText().equals("applied"))
                .hasSize(1);
        assertThat(poolTree(rolledBack).cpus()).containsExactly(2L, 4L, 6L);
        assertThat(poolTree(rolledBack).pciDevices()).isEmpty();
        tf.file("main.tf", fleet.providerBlock() + updated);
        // the resource keeps its state (only the output, which Terraform set from the plan, differs)
        TerraformCli.Result kept = tf.expect(0, "plan", "-no-color");
        assertThat(kept.stdout())
                .contains("without changing any real infrastructure")
                .doesNotContain("multikernel_pool.this will be")
                .doesNotContain("multikernel_pool.this must be");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        assertThat(tf.run("plan", "-no-color", "-detailed-exitcode").exitCode()).isEqualTo(0);

        // import into a fresh state
        TerraformCli fresh = fleet.terraform(work, "current-import");
        fresh.file("main.tf", fleet.providerBlock() + updated);
        // mkctl remembers the APIC ids of CPUs it saw online, so the offline pool CPUs keep their numbers
        assertThat(after.cpus().stream().filter(c -> c.cpu() >= 1 && c.cpu() <= 3))
                .allMatch(c -> c.apicId().isPresent());
        fresh.expect(0, "import", "-no-color", "multikernel_pool.this", addr);
        assertThat(fresh.run("plan", "-no-color", "-detailed-exitcode").exitCode())
                .as("no diff after import")
                .isEqualTo(0);
        JsonNode state =
                JSON.readTree(fresh.expect(0, "show", "-json").stdout()).at("/values/root_module/resources/0/values");
        assertThat(state.get("cpus").asText()).isEqualTo("1-3");
        assertThat(state.get("memory").get(0).get("size").asText()).isEqualTo("1GiB");
        assertThat(state.get("memory").get(0).get("numa_node").isNumber()).isTrue();

        // an instance holding CPU 2 (APIC id 4) and memory: the pool cannot give them back
        mk.applyOverlay(Fdt.write(OverlayTransaction.of(new OverlayOperation.InstanceCreate(
                        "web", OptionalInt.of(1), new InstanceResources(64 * MIB, List.of(4L), List.of())))
                .toTree()));
        tf.file(
                "main.tf",
                fleet.providerBlock()
                        + pool(addr, "\"1,3\"", "[{ size = \"1GiB\" }, { size = \"512MiB\", numa_node = 1 }]"));
        TerraformCli.Result refused = tf.expect(1, "plan", "-no-color");
        assertThat(refused.errors())
                .contains("CPU 2 (APIC id 4) is given to instance \"web\"")
                .contains("cpus");
        tf.file("main.tf", fleet.providerBlock() + updated);
        TerraformCli.Result busy = tf.expect(1, "destroy", "-no-color", "-auto-approve");
        assertThat(busy.errors())
                .contains("The pool of host " + addr + " is still in use")
                .contains("\"web\"");
        assertThat(poolTree(mk.state()).cpus()).containsExactly(2L, 4L, 6L);

        // once the instance is gone, destroy gives everything back
        mk.applyOverlay(Fdt.write(OverlayTransaction.of(new OverlayOperation.InstanceRemove("web"))
                .toTree()));
        tf.expect(0, "destroy", "-no-color", "-auto-approve");
        HostState gone = mk.state();
        PoolTree empty = poolTree(gone);
        assertThat(empty.chunks()).isEmpty();
        assertThat(empty.cpusAvailable()).isEmpty();
        assertThat(gone.cpus().stream().filter(c -> c.cpu() >= 1 && c.cpu() <= 3))
                .allMatch(CpuState::online);
        assertThat(gone.transactions())
                .filteredOn(t -> t.resources().equals("terraform:pool"))
                .extracting(TransactionState::statusText)
                .contains("applied")
                .containsOnly("applied", "failed");
    }

    @Test
    void validationErrorsNameTheAttributeAndLeaveTheHostUntouched() throws Exception {
        SimulatedHost sim = host("pool-val", InterfaceGeneration.CURRENT);
        String addr = "127.0.0.1:" + sim.port();
        TerraformCli tf = fleet.terraform(work, "validation");

        tf.file("main.tf", fleet.providerBlock() + pool(addr, "\"1,99\"", "[{ size = \"1GiB\" }]"));
        TerraformCli.Result unknownCpu = tf.expect(1, "plan", "-no-color");
        assertThat(unknownCpu.errors())
                .contains("CPU 99 does not exist on host " + addr)
                .contains("Host " + addr + " has CPUs 0-7")
                .contains("cpus = \"1,99\"");

        tf.file("main.tf", fleet.providerBlock() + pool(addr, "\"1\"", "[{ size = \"1GiB\" }, { size = \"4X\" }]"));
        TerraformCli.Result badSize = tf.expect(1, "plan", "-no-color");
        assertThat(badSize.errors())
                .contains("Invalid size in memory[1].size")
                .contains("unknown unit \"X\"")
                .contains("K/KB/KiB");

        tf.file("main.tf", fleet.providerBlock() + pool(addr, "\"1\"", "[{ size = \"1GiB\", numa_node = 5 }]"));
        TerraformCli.Result badNode = tf.expect(1, "plan", "-no-color");
        assertThat(badNode.errors())
                .contains("NUMA node 5 does not exist on host " + addr)
                .contains("0, 1");

        HostState state = fleet.direct(sim).state();
        assertThat(state.transactions()).isEmpty();
        assertThat(state.pool()
                        .flatMap(p -> p.deviceTree().value())
                        .map(t -> t.chunks().isEmpty())
                        .orElse(true))
                .isTrue();
        assertThat(state.cpus()).allMatch(CpuState::online);
    }

    @Test
    void rfcV2PoolIsAdoptedReadOnly() throws Exception {
        SimulatedHost sim = host("pool-v2", InterfaceGeneration.RFC_V2);
        String addr = "127.0.0.1:" + sim.port();
        TerraformCli tf = fleet.terraform(work, "rfc-v2");
        fleet.direct(sim).mount(); // until it is mounted, the host cannot tell which interface it speaks

        tf.file("main.tf", fleet.providerBlock() + pool(addr, null, "[{ size = \"4096MiB\" }]"));
        TerraformCli.Result plan = tf.expect(0, "plan", "-no-color");
        assertThat(plan.output())
                .contains("The pool of host " + addr + " is read-only")
                .contains("mkkernel_pool= (4GiB)");
        JsonNode adopted = apply(tf);
        assertThat(adopted.get("interface_generation").asText()).isEqualTo("rfc-v2");
        assertThat(adopted.get("memory").get(0).get("size").asText()).isEqualTo("4096MiB");
        assertThat(adopted.get("cpus").isNull()).isTrue();
        assertThat(adopted.get("physical_cpu_ids")).isEmpty();
        assertThat(tf.run("plan", "-no-color", "-detailed-exitcode").exitCode()).isEqualTo(0);

        tf.file("main.tf", fleet.providerBlock() + pool(addr, null, "[{ size = \"2GiB\" }]"));
        TerraformCli.Result resize = tf.expect(1, "plan", "-no-color");
        assertThat(resize.errors())
                .contains("The pool of host " + addr + " is read-only: it holds 4GiB")
                .contains("memory = [{ size = \"4GiB\" }]");

        tf.file("main.tf", fleet.providerBlock() + pool(addr, "\"1-2\"", "[{ size = \"4GiB\" }]"));
        TerraformCli.Result cpus = tf.expect(1, "plan", "-no-color");
        assertThat(cpus.errors()).contains("Host " + addr + " has no CPU pool").contains("cpus = \"1-2\"");

        // import, in the canonical form
        TerraformCli fresh = fleet.terraform(work, "rfc-v2-import");
        fresh.file("main.tf", fleet.providerBlock() + pool(addr, null, "[{ size = \"4GiB\" }]"));
        fresh.expect(0, "import", "-no-color", "multikernel_pool.this", addr);
        assertThat(fresh.run("plan", "-no-color", "-detailed-exitcode").exitCode())
                .isEqualTo(0);

        // a reboot takes the pool's object with it: planned again, with both boot ids named
        String before = sim.kernel().bootId();
        String now = sim.reboot();
        tf.file("main.tf", fleet.providerBlock() + pool(addr, null, "[{ size = \"4096MiB\" }]"));
        TerraformCli.Result rebooted = tf.run("plan", "-no-color", "-detailed-exitcode");
        assertThat(rebooted.exitCode()).as(rebooted.toString()).isEqualTo(2);
        assertThat(rebooted.output().replaceAll("\\s+", " "))
                .contains("host " + addr + " rebooted (boot id " + before + " → " + now + ")");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        assertThat(output(tf).get("boot_id").asText()).isEqualTo(now);
        tf.expect(0, "destroy", "-no-color", "-auto-approve");
    }

    @Test
    void theExampleValidates() throws Exception {
        TerraformCli tf = fleet.terraform(work, "example");
        tf.file("provider.tf", Files.readString(EXAMPLES.resolve("provider/provider.tf")));
        tf.file("main.tf", Files.readString(EXAMPLES.resolve("resources/multikernel_pool/resource.tf")));
        assertThat(tf.expect(0, "validate", "-no-color").stdout()).contains("The configuration is valid.");
        assertThat(Files.readString(EXAMPLES.resolve("resources/multikernel_pool/import.sh")))
                .contains("terraform import multikernel_pool.");
    }

    static JsonNode apply(TerraformCli tf) throws IOException {
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        return output(tf);
    }

    static JsonNode output(TerraformCli tf) throws IOException {
        return JSON.readTree(tf.expect(0, "output", "-json", "pool").stdout());
    }

    static String pool(String host, String cpus, String memory) {
        return """
                resource "multikernel_pool" "this" {
                  host   = "%s"
                %s  memory = %s
                }

                output "pool" {
                  value = multikernel_pool.this
                }
                """.formatted(host, cpus == null ? "" : "  cpus   = " + cpus + "\n", memory);
    }
}
