package dev.multikernel.sim.client;

import static dev.multikernel.sim.fixtures.Trees.*;
import static dev.multikernel.sim.kernel.MultikernelAbi.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.sim.fixtures.KernelImages;
import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.kernel.KernelError;
import dev.multikernel.sim.kernel.KernelModel;
import dev.multikernel.sim.protocol.KernelSocketServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference §8 (a)-(e) end to end over the real socket: what mkctl will do, step by step,
 * checking /proc/kimage, /proc/iomem and the pool device tree after each step.
 */
@DisplayName("§8 scenarios through the socket protocol")
class ScenarioTest {
    static final String MK = "/sys/fs/multikernel";
    static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private static List<Long> available(SimClient c) throws Exception {
        DeviceTree t = Fdt.parse(c.read(MK + "/device_tree"));
        return t.find("/resources")
                .orElseThrow()
                .property("cpus-available")
                .map(p -> {
                    try {
                        return p.asU64List();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .orElse(List.of());
    }

    private static void reboot(SimClient c, int cmd, int id) throws Exception {
        c.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, id);
    }

    @Test
    @DisplayName("§8 current tree: baseline -> create overlay -> load -> exec -> halt -> unload -> remove")
    void currentTree() throws Exception {
        Path image = KernelImages.validImage(dir);
        Path initrd = KernelImages.initrd(dir);
        try (KernelModel kernel =
                        KernelModel.open(dir.resolve("state"), HostTopology.defaults(), InterfaceGeneration.CURRENT);
                KernelSocketServer server = KernelSocketServer.start(kernel, dir.resolve("mk.sock"));
                SimClient c = SimClient.connect(server.socketPath())) {
            // (a) mount and baseline
            c.mount("none", MK, "multikernel", 0, "");
            c.write(MK + "/device_tree", baseline(new long[] {2, 4, 6, 16}, 2 * GIB));
            assertThat(available(c)).containsExactly(2L, 4L, 6L, 16L);
            assertThat(c.readString("/proc/iomem"))
                    .contains("Multikernel Memory Pool")
                    .doesNotContain("mk-instance");
            assertThat(c.readString("/proc/kimage")).endsWith("No kimages loaded\n");

            // (b) instance-create overlay, then find the new tx and require applied
            List<String> before = c.list(MK + "/overlays");
            c.write(MK + "/overlays/new", overlay("/instances", instanceCreate("web", 1, GIB, 4, 6)));
            List<String> after = c.list(MK + "/overlays");
            String tx =
                    after.stream().filter(n -> !before.contains(n)).findFirst().orElseThrow();
            assertThat(c.readString(MK + "/overlays/" + tx + "/status")).isEqualTo("applied\n");
            assertThat(c.readString(MK + "/instances/web/status")).isEqualTo("ready\n");
            assertThat(available(c)).containsExactly(2L, 16L);
            assertThat(c.readString("/proc/iomem")).contains("mk-instance-1-web-region-0");

            // load
            c.kexecFileLoad(
                    image, Optional.of(initrd), "console=mktty0 root=/dev/pmem0", KEXEC_MULTIKERNEL | kexecMkId(1));
            assertThat(c.readString(MK + "/instances/web/status")).isEqualTo("loaded\n");
            assertThat(c.readString("/proc/kimage"))
                    .containsPattern("\n    1  multikernel  0x[0-9a-f]{12}         5\n");

            // exec
            reboot(c, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            assertThat(c.readString(MK + "/instances/web/status")).isEqualTo("active\n");
            Node inst = Fdt.parse(c.read(MK + "/instances/web/device_tree")).root();
            assertThat(inst.find("resources")
                            .orElseThrow()
                            .property("memory-bytes")
                            .orElseThrow()
                            .asU64())
                    .isEqualTo(GIB);

            // (d) halt, unload, instance-remove
            reboot(c, LINUX_REBOOT_CMD_MULTIKERNEL_HALT, 1);
            assertThat(c.readString(MK + "/instances/web/status")).isEqualTo("loaded\n");
            c.kexecFileUnload(KEXEC_MULTIKERNEL | kexecMkId(1));
            assertThat(c.readString(MK + "/instances/web/status")).isEqualTo("ready\n");
            assertThat(c.readString("/proc/kimage")).endsWith("No kimages loaded\n");
            c.write(MK + "/overlays/new", overlay("/instances", instanceRemove("web")));
            assertThat(c.list(MK + "/instances")).isEmpty();
            assertThat(available(c)).containsExactly(2L, 4L, 6L, 16L);
            assertThat(c.readString("/proc/iomem")).doesNotContain("mk-instance");

            // (c) the transactions can be rolled back in reverse
            List<String> txs = c.list(MK + "/overlays");
            assertThat(txs).containsExactly("new", "tx_2", "tx_3");
            c.rmdir(MK + "/overlays/tx_3");
            c.rmdir(MK + "/overlays/tx_2");
            assertThat(c.list(MK + "/overlays")).containsExactly("new");

            // errors travel with their errno
            assertThatThrownBy(() -> c.write(MK + "/device_tree", baseline(new long[] {18}, GIB)))
                    .isInstanceOf(KernelError.class)
                    .extracting(e -> ((KernelError) e).errno())
                    .isEqualTo(Errno.EBUSY);
        }
    }

    @Test
    @DisplayName("§8 RFC v2: instances via the root device_tree -> load -> exec; rmdir refused while active")
    void rfcV2() throws Exception {
        Path image = KernelImages.validImage(dir);
        try (KernelModel kernel =
                        KernelModel.open(dir.resolve("state"), HostTopology.defaults(), InterfaceGeneration.RFC_V2);
                KernelSocketServer server = KernelSocketServer.start(kernel, dir.resolve("mk.sock"));
                SimClient c = SimClient.connect(server.socketPath())) {
            assertThat(c.info()).containsEntry("generation", "rfc_v2");
            assertThat(c.readString("/proc/iomem")).contains("Multikernel Memory Pool");
            c.mount("none", MK, "multikernel", 0, "");
            c.write(MK + "/device_tree", v2Tree(v2Instance("web", 1, 0x40000000, 2, 3)));
            assertThat(c.readString(MK + "/instances/web/status")).isEqualTo("ready\n");
            assertThat(c.readString("/sys/devices/system/cpu/cpu2/online")).isEqualTo("0\n");
            assertThat(c.readString("/proc/iomem")).contains("mk-instance-1-web-region-0");
            c.kexecFileLoad(
                    image,
                    Optional.empty(),
                    "console=ttyS1",
                    KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
            assertThat(c.readString(MK + "/instances/web/status")).isEqualTo("loading\n");
            assertThat(c.readString("/proc/kimage"))
                    .containsPattern("\n    1  multikernel  0x[0-9a-f]{12}         4\n");
            reboot(c, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            assertThat(c.readString(MK + "/instances/web/status")).isEqualTo("active\n");
            assertThatThrownBy(() -> c.rmdir(MK + "/instances/web"))
                    .isInstanceOf(KernelError.class)
                    .extracting(e -> ((KernelError) e).errno())
                    .isEqualTo(Errno.EBUSY);
            assertThatThrownBy(() -> reboot(c, LINUX_REBOOT_CMD_MULTIKERNEL_HALT, 1))
                    .isInstanceOf(KernelError.class)
                    .extracting(e -> ((KernelError) e).errno())
                    .isEqualTo(Errno.EINVAL);
            // a host reboot is the only way out in v2
            c.rebootHost();
            c.mount("none", MK, "multikernel", 0, "");
            assertThat(c.list(MK + "/instances")).isEmpty();
            assertThat(c.readString("/sys/devices/system/cpu/online")).isEqualTo("0-7\n");
        }
    }

    @Test
    @DisplayName("a restarted simulator process serves the same host state on a new socket")
    void restartOverSocket() throws Exception {
        Path state = dir.resolve("state");
        String boot;
        try (KernelModel kernel = KernelModel.open(state, HostTopology.defaults(), InterfaceGeneration.CURRENT);
                KernelSocketServer server = KernelSocketServer.start(kernel, dir.resolve("a.sock"));
                SimClient c = SimClient.connect(server.socketPath())) {
            c.mount("none", MK, "multikernel", 0, "");
            c.write(MK + "/device_tree", baseline(new long[] {2}, GIB));
            boot = c.bootId();
        }
        try (KernelModel kernel = KernelModel.open(state, HostTopology.defaults(), InterfaceGeneration.CURRENT);
                KernelSocketServer server = KernelSocketServer.start(kernel, dir.resolve("a.sock"));
                SimClient c = SimClient.connect(server.socketPath())) {
            assertThat(c.bootId()).isEqualTo(boot);
            assertThat(available(c)).containsExactly(2L);
        }
    }
}
