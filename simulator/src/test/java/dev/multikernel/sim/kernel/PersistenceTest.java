package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.fixtures.Trees.*;
import static dev.multikernel.sim.kernel.MultikernelAbi.*;
import static dev.multikernel.sim.kernel.Sim.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.sim.fixtures.KernelImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host-level behaviour: persisted state, boot id, simulated host reboot. */
@DisplayName("host: persistence across simulator restarts, reboot, boot id")
class PersistenceTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("state survives close/open: mount, pool, instances, transactions, loaded image, boot id")
    void survivesRestart() throws Exception {
        Path state = dir.resolve("host1");
        String bootId;
        String iomem;
        String kimage;
        try (KernelModel k = withBaseline(state)) {
            applyOverlay(k, overlay("/instances", instanceCreate("web", 1, GIB, 2, 4)));
            k.kexecFileLoad(
                    KernelImages.validImage(dir),
                    Optional.empty(),
                    "quiet",
                    KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
            k.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            bootId = k.bootId();
            iomem = text(k, "/proc/iomem");
            kimage = text(k, "/proc/kimage");
        }
        assertThat(Files.list(state).map(p -> p.getFileName().toString()).toList())
                .containsExactly("kernel-state.json");
        try (KernelModel k = open(state, InterfaceGeneration.CURRENT)) {
            assertThat(k.bootId()).isEqualTo(bootId);
            assertThat(text(k, MK + "/instances/web/status")).isEqualTo("active\n");
            assertThat(k.list(MK + "/overlays")).containsExactly("new", "tx_2");
            assertThat(text(k, "/proc/iomem")).isEqualTo(iomem);
            assertThat(text(k, "/proc/kimage")).isEqualTo(kimage);
            // the tx counter continues
            assertThat(applyOverlay(k, overlay("/instances", instanceCreate("db", 2, 0, 6))))
                    .isEqualTo("tx_3");
        }
    }

    @Test
    @DisplayName("RFC v2 state survives a restart too (instance DTB, offline CPUs, kexec slot)")
    void v2SurvivesRestart() throws Exception {
        Path state = dir.resolve("v2");
        try (KernelModel k = mounted(state, InterfaceGeneration.RFC_V2)) {
            k.write(MK + "/device_tree", v2Tree(v2Instance("web", 1, 0x40000000, 2, 3)));
            k.kexecFileLoad(
                    KernelImages.validImage(dir),
                    Optional.empty(),
                    "",
                    KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
        }
        try (KernelModel k = open(state, InterfaceGeneration.RFC_V2)) {
            assertThat(text(k, MK + "/instances/web/status")).isEqualTo("loading\n");
            assertThat(text(k, MK + "/instances/web/device_tree_source"))
                    .contains("memory-bytes = <0x40000000>; // 1024 MB");
            assertThat(text(k, "/sys/devices/system/cpu/online")).isEqualTo("0-1,4-7\n");
            k.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            assertThat(text(k, "/proc/iomem")).contains("Multikernel Memory Pool");
        }
    }

    @Test
    @DisplayName("a simulated host reboot clears the kernel state and changes the boot id, also after a restart")
    void rebootHost() throws Exception {
        Path state = dir.resolve("host");
        String first;
        try (KernelModel k = withBaseline(state)) {
            first = k.bootId();
            k.rebootHost();
            assertThat(k.bootId()).isNotEqualTo(first).matches("[0-9a-f-]{36}");
            assertThat(k.list(MK)).isEmpty();
            k.mount("none", MK, "multikernel", 0, "");
            assertThat(k.list(MK + "/overlays")).containsExactly("new");
            assertThat(text(k, "/proc/iomem")).doesNotContain("Multikernel");
            assertThat(text(k, "/proc/sys/kernel/random/boot_id").trim()).isEqualTo(k.bootId());
        }
        try (KernelModel k = open(state, InterfaceGeneration.CURRENT)) {
            assertThat(k.bootId()).isNotEqualTo(first);
            assertThat(k.list(MK + "/overlays")).containsExactly("new");
        }
    }

    @Test
    @DisplayName("other hardware or another interface generation in the same directory means a fresh boot")
    void topologyChangeIsFreshBoot() throws Exception {
        Path state = dir.resolve("h");
        String first;
        try (KernelModel k = withBaseline(state)) {
            first = k.bootId();
        }
        try (KernelModel k = open(state, InterfaceGeneration.RFC_V2)) {
            assertThat(k.bootId()).isNotEqualTo(first);
            assertThat(k.list(MK)).isEmpty();
        }
        HostTopology t = HostTopology.defaults();
        HostTopology smaller = new HostTopology(
                t.cpus().subList(0, 4), t.memory(), t.devices(), t.reservedCpus(), t.kernelCommandLine());
        try (KernelModel k = KernelModel.open(state, smaller, InterfaceGeneration.CURRENT)) {
            assertThat(k.topology().cpus()).hasSize(4);
            assertThat(k.list(MK)).isEmpty();
        }
    }

    @Test
    @DisplayName("a corrupt state file is an error that says how to recover, never a silent wipe")
    void corruptState() throws Exception {
        Path state = dir.resolve("c");
        Files.createDirectories(state);
        Files.writeString(state.resolve("kernel-state.json"), "{ not json");
        assertThatThrownBy(() -> open(state, InterfaceGeneration.CURRENT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("delete it");
        Files.writeString(state.resolve("kernel-state.json"), "{\"format\": 99}");
        assertThatThrownBy(() -> open(state, InterfaceGeneration.CURRENT)).isInstanceOf(IOException.class);
    }

    @Test
    @DisplayName("calls after close fail with EIO instead of touching the state")
    void closed() throws Exception {
        KernelModel k = mounted(dir.resolve("x"), InterfaceGeneration.CURRENT);
        k.close();
        assertThat(errnoOf(() -> k.read(MK + "/device_tree"))).isEqualTo(Errno.EIO);
        assertThat(List.of(k.generation())).containsExactly(InterfaceGeneration.CURRENT);
    }
}
