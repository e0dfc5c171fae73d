package dev.multikernel.provider.resources.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayOps;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.TransactionState;
import dev.multikernel.provider.kernel.Compensation;
import dev.multikernel.provider.testing.SimulatedFleet;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.tfjvm.testing.TerraformCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code terraform} driving {@code multikernel_overlay} against simulated hosts (real
 * SSH, real mkctl). The pool and an instance are written out of band through mkctl, as
 * {@code multikernel_pool} and {@code multikernel_instance} would. Default topology: logical CPU
 * n has APIC id 0,2,4,6,16,18,20,22; the pool holds APIC ids 2, 4 and 6 (CPUs 1-3), instance
 * {@code web} holds APIC id 2. Every test leaves the host as it found it, and checks that.
 */
class OverlayResourceIT {
    static final long MIB = 1L << 20;
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<Long> BASELINE_CPUS = List.of(2L, 4L, 6L);

    @TempDir
    static Path work;

    static SimulatedFleet fleet;
    static SimulatedHost current;
    static SimulatedHost rebooting;
    static SimulatedHost rejecting;
    static SimulatedHost rfcV2;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start("mkov");
        current = fleet.host("ov-cur", InterfaceGeneration.CURRENT);
        rebooting = fleet.host("ov-reb", InterfaceGeneration.CURRENT);
        rejecting = fleet.host("ov-rej", InterfaceGeneration.CURRENT);
        rfcV2 = fleet.host("ov-v2", InterfaceGeneration.RFC_V2);
        for (SimulatedHost h : List.of(current, rebooting, rejecting)) {
            MkctlClient mk = fleet.direct(h);
            mk.mount();
            mk.baseline(Fdt.write(
                    new Baseline(BASELINE_CPUS, List.of(MemoryRequest.of(1L << 30, 0)), List.of(), Map.of()).toTree()));
        }
        fleet.direct(current)
                .applyOverlay(Fdt.write(OverlayTransaction.of(new OverlayOperation.InstanceCreate(
                                "web", OptionalInt.of(1), new InstanceResources(64 * MIB, List.of(2L), List.of())))
                        .withResourcesTag("terraform:instance:web")
                        .toTree()));
        fleet.direct(rfcV2).mount();
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    static PoolTree pool(HostState state) {
        return state.pool().orElseThrow().deviceTree().value().orElseThrow();
    }

    static boolean online(HostState state, int cpu) {
        return state.cpus().stream()
                .filter(c -> c.cpu() == cpu)
                .findFirst()
                .map(CpuState::online)
                .orElseThrow();
    }

    /** The host as the setup left it: baseline pool, web holding APIC id 2, one transaction (web's). */
    static void assertCurrentHostAsSetUp() throws Exception {
        HostState state = fleet.direct(current).state();
        assertThat(pool(state).cpus()).containsExactlyInAnyOrderElementsOf(BASELINE_CPUS);
        assertThat(state.transactions())
                .extracting(TransactionState::resources)
                .containsExactly("terraform:instance:web");
        assertThat(online(state, 7)).isTrue();
        assertThat(online(state, 3)).isFalse();
    }

    @Test
    void addsACpuToThePoolShowsNoDiffAfterwardsAndRollsBackOnDestroy() throws Exception {
        TerraformCli tf = fleet.terraform(work, "cpu-add");
        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_overlay" "grow" {
                  host    = "%s"
                  cpu_add = "7"
                }

                output "overlay" {
                  value = multikernel_overlay.grow
                }
                """.formatted(SimulatedFleet.address(current)));
        String plan = tf.expect(0, "plan", "-no-color").stdout();
        assertThat(plan.replaceAll("\\s+", " ")).contains("+ cpu_add_physical_ids = [ + 22, ]");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        JsonNode overlay =
                JSON.readTree(tf.expect(0, "output", "-json", "overlay").stdout());
        int tx = overlay.get("transaction_id").asInt();
        assertThat(overlay.get("status").asText()).isEqualTo("applied");
        assertThat(overlay.get("id").asText()).isEqualTo(SimulatedFleet.address(current) + ":" + tx);
        assertThat(overlay.get("boot_id").asText()).isEqualTo(current.kernel().bootId());
        assertThat(overlay.get("cpu_add_physical_ids").toString()).isEqualTo("[22]");

        HostState after = fleet.direct(current).state();
        assertThat(pool(after).cpus()).contains(22L);
        assertThat(online(after, 7)).isFalse();
        TransactionState written = after.transaction(tx).orElseThrow();
        assertThat(written.resources()).isEqualTo(OverlayEffects.TAG);
        assertThat(written.dtbo().value().orElseThrow().operations())
                .containsExactly(OverlayOps.cpuAdd(OverlayTarget.POOL, 22));

        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        tf.expect(0, "destroy", "-no-color", "-auto-approve");
        assertCurrentHostAsSetUp();
    }

    @Test
    void importsATransactionWrittenByAnotherToolAndShowsNoDiff() throws Exception {
        // kerf-like: no mk,resources tag; gives pool CPU 3 (APIC id 6) back to the host
        int tx = fleet.direct(current)
                .applyOverlay(Fdt.write(OverlayTransaction.of(OverlayOps.cpuRemove(OverlayTarget.POOL, 6))
                        .toTree()))
                .transaction()
                .id();
        assertThat(online(fleet.direct(current).state(), 3)).isTrue();
        TerraformCli tf = fleet.terraform(work, "import");
        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_overlay" "shrink" {
                  host       = "%s"
                  cpu_remove = "3"
                }
                """.formatted(SimulatedFleet.address(current)));
        tf.expect(0, "import", "-no-color", "multikernel_overlay.shrink", SimulatedFleet.address(current) + ":" + tx);
        String shown = tf.expect(0, "state", "show", "-no-color", "multikernel_overlay.shrink")
                .stdout();
        assertThat(shown.replaceAll("\\s+", " "))
                .contains("cpu_remove = \"3\"")
                .contains("transaction_id = " + tx)
                .contains("cpu_remove_physical_ids = [ 6, ]");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        tf.expect(0, "destroy", "-no-color", "-auto-approve");
        assertCurrentHostAsSetUp();
    }

    @Test
    void importRefusesATransactionItCannotExpress() throws Exception {
        HostState state = fleet.direct(current).state();
        int webTx = state.transactions().get(0).id();
        TerraformCli tf = fleet.terraform(work, "import-refused");
        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_overlay" "x" {
                  host    = "%s"
                  cpu_add = "7"
                }
                """.formatted(SimulatedFleet.address(current)));
        TerraformCli.Result r = tf.expect(
                1, "import", "-no-color", "multikernel_overlay.x", SimulatedFleet.address(current) + ":" + webTx);
        assertThat(r.errors())
                .contains("Cannot import multikernel_overlay")
                .contains("tagged \"terraform:instance:web\"")
                .contains("Import that resource instead");
        r = tf.expect(1, "import", "-no-color", "multikernel_overlay.x", SimulatedFleet.address(current) + ":999");
        assertThat(r.errors()).contains("has no overlay transaction tx_999").contains("tx_" + webTx);
    }

    @Test
    void anOverlayTheKernelFailsIsUndoneAndLeavesNothingInEffect() throws Exception {
        TerraformCli tf = fleet.terraform(work, "rejected");
        // cpu-add runs, then device-add of a device the host does not have fails (ENODEV). The kernel
        // then refuses rmdir: undoing the device-add that never ran fails (ENOENT).
        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_overlay" "bad" {
                  host       = "%s"
                  cpu_add    = "7"
                  device_add = ["0000:77:00.0"]
                }
                """.formatted(SimulatedFleet.address(rejecting)));
        TerraformCli.Result r = tf.expect(1, "apply", "-no-color", "-auto-approve");
        HostState after = fleet.direct(rejecting).state();
        assertThat(after.transactions()).hasSize(2);
        TransactionState failed = after.transactions().get(0);
        TransactionState undo = after.transactions().get(1);
        assertThat(failed.statusText()).isEqualTo("failed");
        assertThat(failed.resources()).isEqualTo(OverlayEffects.TAG);
        assertThat(undo.statusText()).isEqualTo("applied");
        assertThat(undo.resources()).isEqualTo(Compensation.TAG);
        assertThat(undo.dtbo().value().orElseThrow().operations())
                .containsExactly(OverlayOps.cpuRemove(OverlayTarget.POOL, 22));
        assertThat(r.errors())
                .contains("The kernel did not apply the overlay on host " + SimulatedFleet.address(rejecting))
                .contains("Transaction tx_" + failed.id()
                        + " (cpu-add of CPU 7 (APIC id 22) to the pool; device-add of 0000:77:00.0 to the pool) failed")
                .contains("The kernel refused to roll it back")
                .contains("(cpu-add of CPU 7 (APIC id 22) to the pool) were undone with transaction tx_" + undo.id())
                .contains("nothing is kept in the state");
        assertThat(tf.expect(0, "state", "list").stdout()).isBlank();
        assertThat(pool(after).cpus()).containsExactlyInAnyOrderElementsOf(BASELINE_CPUS);
        assertThat(online(after, 7)).isTrue();
    }

    @Test
    void planTimeChecksNameTheAttribute() throws Exception {
        TerraformCli tf = fleet.terraform(work, "plan-errors");
        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_overlay" "no_cpu" {
                  host    = "%1$s"
                  cpu_add = "99"
                }

                resource "multikernel_overlay" "no_instance" {
                  host     = "%1$s"
                  instance = "nope"
                  cpu_add  = "7"
                }

                resource "multikernel_overlay" "pool_cpu" {
                  host       = "%1$s"
                  cpu_remove = "2"
                }

                resource "multikernel_overlay" "not_a_chunk" {
                  host = "%1$s"
                  memory_remove = [{ base = "0x1000", size = "1GiB" }]
                }
                """.formatted(SimulatedFleet.address(current)));
        TerraformCli.Result r = tf.expect(1, "plan", "-no-color");
        assertThat(r.errors())
                .contains("No such CPU on host")
                .contains("cpu_add names CPU 99")
                .contains("No instance \"nope\" on host")
                .contains("(it has \"web\")")
                .doesNotContain("pool_cpu") // mkctl's CPU map names pool CPU 2 although it is offline
                .contains("Not a whole pool chunk")
                .contains("The pool's chunks on host");

        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_overlay" "empty" {
                  host = "%1$s"
                }

                resource "multikernel_overlay" "typo" {
                  host    = "%1$s"
                  cpu_add = "4-x"
                }
                """.formatted(SimulatedFleet.address(current)));
        r = tf.expect(1, "validate", "-no-color");
        assertThat(r.errors())
                .contains("Nothing to do")
                .contains("Invalid cpu_add")
                .contains("cpu_add: ");
        assertCurrentHostAsSetUp();
    }

    @Test
    void anRfcV2HostHasNoOverlays() throws Exception {
        TerraformCli tf = fleet.terraform(work, "rfc-v2");
        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_overlay" "x" {
                  host    = "%s"
                  cpu_add = "7"
                }
                """.formatted(SimulatedFleet.address(rfcV2)));
        TerraformCli.Result r = tf.expect(1, "plan", "-no-color");
        assertThat(r.errors())
                .contains("No overlays on an RFC v2 host")
                .contains("speaks the RFC v2 multikernel interface, which has no overlays")
                .contains("with multikernel_overlay.x")
                .contains("host = \"" + SimulatedFleet.address(rfcV2) + "\"");
    }

    @Test
    void afterAHostRebootTheOverlayIsGoneWithAWarningNamingBothBootIds() throws Exception {
        TerraformCli tf = fleet.terraform(work, "reboot");
        tf.file("main.tf", fleet.providerBlock() + """
                resource "multikernel_overlay" "grow" {
                  host    = "%s"
                  cpu_add = "7"
                }
                """.formatted(SimulatedFleet.address(rebooting)));
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        String before = rebooting.kernel().bootId();
        String after = rebooting.reboot();
        TerraformCli.Result r = tf.expect(0, "apply", "-refresh-only", "-no-color", "-auto-approve");
        assertThat(r.output().replaceAll("[\\s│]+", " "))
                .contains("Host " + SimulatedFleet.address(rebooting) + " rebooted")
                .contains("(boot id " + before + " → " + after + ")")
                .contains("overlays made before the reboot are gone");
        assertThat(tf.expect(0, "state", "list").stdout()).isBlank();
    }

    @Test
    void theExampleValidates() throws Exception {
        Path examples = Path.of(System.getProperty("examples.dir", "../examples"));
        TerraformCli tf = fleet.terraform(work, "example");
        tf.file("provider.tf", Files.readString(examples.resolve("provider/provider.tf")));
        tf.file("main.tf", Files.readString(examples.resolve("resources/multikernel_overlay/resource.tf")));
        assertThat(tf.expect(0, "validate", "-no-color").stdout()).contains("The configuration is valid.");
    }
}
