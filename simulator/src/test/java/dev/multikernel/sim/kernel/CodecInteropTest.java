package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.kernel.Sim.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOps;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.devicetree.multikernel.V2Instance;
import dev.multikernel.host.devicetree.multikernel.V2Tree;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trees the host-executor codec builds are accepted by the kernel model, and the trees the
 * model reads back are understood by the codec's readers: the two sides of the real interface.
 */
@DisplayName("host-executor device-tree codec against the kernel model")
class CodecInteropTest {
    @TempDir
    Path dir;

    private static byte[] blob(DeviceTree t) {
        return Fdt.write(t);
    }

    @Test
    @DisplayName("§2 codec baseline + overlays -> model -> PoolTree / InstanceTree readers")
    void currentTree() throws Exception {
        try (KernelModel k = mounted(dir, InterfaceGeneration.CURRENT)) {
            Baseline baseline = Baseline.builder()
                    .cpus(2, 4, 6, 16)
                    .memory(2 * GIB, 0)
                    .memory(GIB, 1)
                    .pciDevice("0000:01:00.0", 0x8086, 0x1533, "enp1s0")
                    .build();
            k.write(MK + "/device_tree", blob(baseline.toTree()));
            PoolTree pool = PoolTree.read(Fdt.parse(k.read(MK + "/device_tree")));
            assertThat(pool.cpus()).containsExactly(2L, 4L, 6L, 16L);
            assertThat(pool.cpusAvailable()).containsExactly(2L, 4L, 6L, 16L);
            assertThat(pool.chunks()).hasSize(2);
            assertThat(pool.pciDevices()).hasSize(1);
            assertThat(pool.aliases()).containsKey("enp1s0");

            OverlayTransaction create = OverlayTransaction.of(
                            OverlayOps.instanceCreate("web", 3, InstanceResources.of(GIB, List.of(4L, 6L))))
                    .withResourcesTag("tf:web");
            String tx = applyOverlay(k, blob(create.toTree()));
            assertThat(txStatus(k, tx)).isEqualTo("applied");
            assertThat(text(k, MK + "/overlays/" + tx + "/resources")).isEqualTo("tf:web\n");
            InstanceTree inst = InstanceTree.read(Fdt.parse(k.read(MK + "/instances/web/device_tree")));
            assertThat(inst.name()).isEqualTo("web");
            assertThat(inst.id()).isEqualTo(3);
            assertThat(inst.memoryBytes()).isEqualTo(GIB);
            assertThat(inst.cpus()).containsExactly(4L, 6L);

            String grow = applyOverlay(
                    k,
                    blob(OverlayTransaction.of(
                                    OverlayOps.cpuAdd(new OverlayTarget.Instance("web"), 16),
                                    OverlayOps.poolMemoryAdd(MemoryRequest.of(GIB, 1)))
                            .toTree()));
            assertThat(txStatus(k, grow)).isEqualTo("applied");
            assertThat(PoolTree.read(Fdt.parse(k.read(MK + "/device_tree"))).chunks())
                    .hasSize(3);
            assertThat(InstanceTree.read(Fdt.parse(k.read(MK + "/instances/web/device_tree")))
                            .cpus())
                    .containsExactly(4L, 6L, 16L);
            // the stored dtbo is what the codec wrote, and reads back as the same transaction
            assertThat(OverlayTransaction.read(Fdt.parse(k.read(MK + "/overlays/" + tx + "/dtbo"))))
                    .isEqualTo(create);
        }
    }

    @Test
    @DisplayName("§2 RFC v2: codec V2Tree -> model -> instances")
    void rfcV2() throws Exception {
        try (KernelModel k = mounted(dir, InterfaceGeneration.RFC_V2)) {
            k.write(
                    MK + "/device_tree",
                    blob(V2Tree.toTree(List.of(V2Instance.of("web", 1, List.of(2, 3), 0x40000000L)))));
            assertThat(text(k, MK + "/instances/web/status")).isEqualTo("ready\n");
            assertThat(text(k, MK + "/instances/web/device_tree_source")).contains("cpus = [00 00 00 02 00 00 00 03];");
        }
    }
}
