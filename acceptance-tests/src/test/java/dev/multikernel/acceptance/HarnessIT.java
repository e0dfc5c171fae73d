package dev.multikernel.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multikernel.acceptance.harness.Faults;
import dev.multikernel.acceptance.harness.HostSnapshot;
import dev.multikernel.acceptance.harness.OutOfBand;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.Workspace;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.sim.kernel.Errno;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The harness itself: fleet, workspaces, out-of-band changes and faults do what they say. */
class HarnessIT {
    static final long MIB = 1L << 20;

    @RegisterExtension
    static final SimulatedFleet FLEET =
            SimulatedFleet.builder().current("hc1").rfcV2("hv1").build();

    @BeforeEach
    void clean() {
        FLEET.resetAll();
    }

    @Test
    void aWorkspaceReadsEveryHostOfTheFleetThroughTheRealTerraform() {
        Workspace ws = FLEET.workspace("read");
        ws.main("""
                data "multikernel_host" "c" {
                  host = "%s"
                }
                data "multikernel_host" "v" {
                  host = "%s"
                }
                output "gens" {
                  value = [data.multikernel_host.c.interface_generation, data.multikernel_host.v.interface_generation]
                }
                output "boot" {
                  value = data.multikernel_host.c.boot_id
                }
                """.formatted(FLEET.address("hc1"), FLEET.address("hv1")));
        Workspace.expect(0, ws.apply());
        JsonNode gens = ws.output("gens");
        // not mounted yet after a reboot: the generation is not known until it is
        assertThat(gens.toString()).isEqualTo("[\"unknown\",\"unknown\"]");
        assertThat(ws.output("boot").asText())
                .isEqualTo(FLEET.host("hc1").kernel().bootId());
        assertThat(ws.state().addresses()).contains("data.multikernel_host.c", "data.multikernel_host.v");
        assertThat(ws.state().managedAddresses()).isEmpty();
    }

    @Test
    void outOfBandChangesShowInTheKernelAndInMkctlState() {
        OutOfBand oob = FLEET.outOfBand("hc1");
        HostSnapshot empty = HostSnapshot.of(FLEET.host("hc1"));
        oob.createPool(List.of(4, 5, 6, 7), 512 * MIB, 1);
        oob.createInstance("web", 1, List.of(4, 5), 64 * MIB);
        HostSnapshot created = HostSnapshot.of(FLEET.host("hc1"));
        assertThat(created).isNotEqualTo(empty);
        assertThat(created.instanceNames()).containsExactly("web");
        assertThat(oob.instance("web").status()).isEqualTo(InstanceStatus.READY);

        oob.boot("web", FLEET.kernelImage());
        assertThat(oob.instance("web").status()).isEqualTo(InstanceStatus.ACTIVE);
        oob.halt("web");
        assertThat(oob.instance("web").status()).isEqualTo(InstanceStatus.LOADED);

        int tx = oob.changeInstanceCpus("web", List.of(6), List.of(5));
        assertThat(oob.state().transaction(tx)).isPresent();
        // CPU 4 and 6 are APIC ids 16 and 20 on the default topology
        assertThat(oob.instance("web")
                        .deviceTree()
                        .orElseThrow()
                        .value()
                        .orElseThrow()
                        .cpus())
                .containsExactlyInAnyOrder(16L, 20L);

        oob.removeInstance("web");
        assertThat(oob.hasInstance("web")).isFalse();

        String before = oob.bootId();
        String after = oob.rebootHost();
        assertThat(after).isNotEqualTo(before);
        assertThat(HostSnapshot.of(FLEET.host("hc1")).instanceNames()).isEmpty();
    }

    @Test
    void rfcV2InstancesAreCreatedAndRemovedOutOfBand() {
        OutOfBand oob = FLEET.outOfBand("hv1");
        oob.createInstance("db", 1, List.of(2, 3), 128 * MIB);
        assertThat(oob.instance("db").status()).isEqualTo(InstanceStatus.READY);
        oob.removeInstance("db");
        assertThat(oob.hasInstance("db")).isFalse();
    }

    @Test
    void injectedFaultsHitTheNextMatchingOperationOnly() {
        OutOfBand oob = FLEET.outOfBand("hc1");
        oob.createPool(List.of(4, 5, 6, 7), 512 * MIB, 1);
        oob.createInstance("web", 1, List.of(4), 64 * MIB);
        Faults faults = FLEET.faults("hc1");
        faults.failNextLoad(Errno.ENOMEM);
        assertThatThrownBy(() -> oob.boot("web", FLEET.kernelImage())).hasMessageContaining("ENOMEM");
        assertThat(oob.instance("web").status()).isEqualTo(InstanceStatus.READY);
        faults.failNextExec(Errno.EIO);
        assertThatThrownBy(() -> oob.boot("web", FLEET.kernelImage())).hasMessageContaining("EIO");
        assertThat(oob.instance("web").status()).isEqualTo(InstanceStatus.LOADED);
        assertThat(faults.kernel().rules()).isEmpty();
    }
}
