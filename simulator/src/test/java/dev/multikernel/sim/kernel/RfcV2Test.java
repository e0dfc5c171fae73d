package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.fixtures.Trees.*;
import static dev.multikernel.sim.kernel.MultikernelAbi.*;
import static dev.multikernel.sim.kernel.Sim.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Node;
import dev.multikernel.sim.fixtures.KernelImages;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reference §1 "RFC v2", §2 "RFC v2", §3 "RFC v2", §4 RFC v2 notes, §7 "v2 limits found in the code". */
@DisplayName("§1-§4 RFC v2 interface")
class RfcV2Test {
    @TempDir
    Path dir;

    private KernelModel k() throws Exception {
        return mounted(dir.resolve("state"), InterfaceGeneration.RFC_V2);
    }

    private static final int WEB_MEM = 0x40000000;

    private static void writeTree(KernelModel k, Node... instances) throws KernelError {
        k.write(MK + "/device_tree", v2Tree(instances));
    }

    @Test
    @DisplayName("§1 layout: device_tree and instances only (no overlays); reading device_tree gives the placeholder")
    void layout() throws Exception {
        try (KernelModel k = k()) {
            assertThat(k.list(MK)).containsExactly("device_tree", "instances");
            assertThat(text(k, MK + "/device_tree"))
                    .isEqualTo("Write multikernel device tree here to propagate to instances\n");
            assertThat(errnoOf(() -> k.list(MK + "/overlays"))).isEqualTo(Errno.ENOENT);
        }
    }

    @Test
    @DisplayName("§1 writing device_tree creates instances: id, status ready, device_tree_source")
    void createsInstances() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("web", 1, WEB_MEM, 2, 3));
            assertThat(k.list(MK + "/instances")).containsExactly("web");
            assertThat(k.list(MK + "/instances/web")).containsExactlyInAnyOrder("id", "status", "device_tree_source");
            assertThat(text(k, MK + "/instances/web/id")).isEqualTo("1\n");
            assertThat(text(k, MK + "/instances/web/status")).isEqualTo("ready\n");
        }
    }

    @Test
    @DisplayName(
            "§2 device_tree_source: /dts-v1/, /NAME node, u32 as <decimal>, memory-bytes as <0x..>; // N MB, others as bytes")
    void deviceTreeSource() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("web", 1, WEB_MEM, 2, 3));
            assertThat(text(k, MK + "/instances/web/device_tree_source")).isEqualTo("""
                    /dts-v1/;

                    /web {
                    \tcompatible = "multikernel-v1";
                    \tid = <1>;
                    \tresources {
                    \t\tcpus = [00 00 00 02 00 00 00 03];
                    \t\tmemory-bytes = <0x40000000>; // 1024 MB
                    \t};
                    };
                    """);
        }
    }

    @Test
    @DisplayName("§1 the write returns the full count even if every instance failed; check instances/ afterwards")
    void errorsAreSwallowed() throws Exception {
        try (KernelModel k = k()) {
            Node noId = Node.builder("noid")
                    .child(Node.builder("resources").u32("cpus", 2).build())
                    .build();
            Node badMemLen = Node.builder("badmem")
                    .u32("id", 2)
                    .child(Node.builder("resources")
                            .u64("memory-bytes", 1L << 32)
                            .build())
                    .build();
            Node unaligned = v2Instance("unaligned", 3, 0x40000001, 2);
            Node badCpu = v2Instance("badcpu", 4, 0, 8);
            Node emptyCpus = Node.builder("emptycpus")
                    .u32("id", 5)
                    .child(Node.builder("resources").bytes("cpus").build())
                    .build();
            Node noRes = Node.builder("nores").u32("id", 6).build();
            writeTree(k, noId, badMemLen, unaligned, badCpu, emptyCpus, noRes);
            assertThat(k.list(MK + "/instances")).isEmpty();
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("No 'id' property found in instance 'noid'"));
        }
    }

    @Test
    @DisplayName("§1 a DTB without /instances, or a bad header, fails the write with EINVAL")
    void writeErrors() throws Exception {
        try (KernelModel k = k()) {
            byte[] noInstances =
                    blob(Node.builder("").string("compatible", "multikernel-v1").build());
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", noInstances))).isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", "hello world, not a dtb...............".getBytes())))
                    .isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("§1 no atomic_write_len: a DTB over 4096 bytes never arrives whole (EINVAL)")
    void pageLimit() throws Exception {
        try (KernelModel k = k()) {
            Node big = v2Instance("web", 1, WEB_MEM, 2)
                    .withProperty(dev.multikernel.host.devicetree.Property.bytes("pad", new byte[4200]));
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", v2Tree(big)))).isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName(
            "§1 an existing name is logged as 'already exists, updating DTB' and nothing changes; duplicate ids are skipped")
    void duplicates() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("web", 1, WEB_MEM, 2));
            writeTree(k, v2Instance("web", 7, 0x1000, 3), v2Instance("db", 1, 0x1000, 4));
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("Instance 'web' already exists, updating DTB"));
            assertThat(text(k, MK + "/instances/web/id")).isEqualTo("1\n");
            assertThat(k.list(MK + "/instances")).containsExactly("web");
        }
    }

    @Test
    @DisplayName("§2 memory-bytes is exactly one u32, so at most 0xFFFFF000 (just under 4 GiB)")
    void memoryIsU32() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("max", 1, 0xFFFFF000, 2));
            assertThat(text(k, MK + "/instances/max/device_tree_source"))
                    .contains("\t\tmemory-bytes = <0xfffff000>; // 4095 MB\n");
            Node u64 = Node.builder("big")
                    .u32("id", 2)
                    .child(Node.builder("resources")
                            .u64("memory-bytes", 1L << 32)
                            .build())
                    .build();
            writeTree(k, u64);
            assertThat(k.list(MK + "/instances")).containsExactly("max");
        }
    }

    @Test
    @DisplayName("§1 instances with no memory are allowed; CPUs are taken offline and never brought back")
    void cpusGoOffline() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("web", 1, 0, 2, 3));
            assertThat(text(k, "/sys/devices/system/cpu/online")).isEqualTo("0-1,4-7\n");
            assertThat(text(k, "/sys/devices/system/cpu/cpu2/online")).isEqualTo("0\n");
            k.rmdir(MK + "/instances/web");
            assertThat(text(k, "/sys/devices/system/cpu/online")).isEqualTo("0-1,4-7\n");
        }
    }

    @Test
    @DisplayName("§3 the boot pool appears in /proc/iomem; instance memory as mk-instance-ID-NAME-region-N children")
    void iomemPool() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("web", 1, WEB_MEM, 2));
            String iomem = text(k, "/proc/iomem");
            assertThat(iomem).contains("  340000000-43fffffff : Multikernel Memory Pool\n");
            assertThat(iomem).contains("    340000000-37fffffff : mk-instance-1-web-region-0\n");
            k.rmdir(MK + "/instances/web");
            assertThat(text(k, "/proc/iomem")).doesNotContain("mk-instance");
        }
    }

    @Test
    @DisplayName("§3 without mkkernel_pool= on the command line there is no pool: instances with memory fail (ENOMEM)")
    void noPool() throws Exception {
        HostTopology t = HostTopology.defaults();
        HostTopology noPool = new HostTopology(t.cpus(), t.memory(), t.devices(), t.reservedCpus(), "root=/dev/sda1");
        try (KernelModel k = KernelModel.open(dir.resolve("np"), noPool, InterfaceGeneration.RFC_V2)) {
            k.mount("none", MK, "multikernel", 0, "");
            assertThat(text(k, "/proc/iomem")).doesNotContain("Multikernel Memory Pool");
            k.write(MK + "/device_tree", v2Tree(v2Instance("web", 1, WEB_MEM, 2), v2Instance("nomem", 2, 0, 3)));
            assertThat(k.list(MK + "/instances")).containsExactly("nomem");
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("No multikernel pool found"));
        }
    }

    @Test
    @DisplayName("§3 mkkernel_pool=SIZE@START reserves exactly that range; garbage or zero disables the pool")
    void bootParameter() {
        HostTopology t = HostTopology.defaults();
        KernelLog log = new KernelLog();
        java.util.function.Function<String, Optional<KernelState.Chunk>> pool = cmd ->
                new MemoryMap(new HostTopology(t.cpus(), t.memory(), t.devices(), t.reservedCpus(), cmd)).bootPool(log);
        assertThat(pool.apply("mkkernel_pool=1G@0x100000000").orElseThrow().base)
                .isEqualTo(0x100000000L);
        assertThat(pool.apply("mkkernel_pool=512M").orElseThrow().size).isEqualTo(512 * MIB);
        assertThat(pool.apply("mkkernel_pool=0")).isEmpty();
        assertThat(pool.apply("mkkernel_pool=1G@0")).isEmpty();
        assertThat(pool.apply("mkkernel_pool=1Gx")).isEmpty();
        assertThat(pool.apply("mkkernel_pool=64G")).isEmpty();
    }

    @Test
    @DisplayName("§1 rmdir instances/NAME: EBUSY while loading or active; otherwise the instance goes, memory returns")
    void rmdirInstance() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("web", 1, WEB_MEM, 2, 3));
            Path image = KernelImages.validImage(dir);
            k.kexecFileLoad(image, Optional.empty(), "", KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
            assertThat(text(k, MK + "/instances/web/status")).isEqualTo("loading\n");
            assertThat(errnoOf(() -> k.rmdir(MK + "/instances/web"))).isEqualTo(Errno.EBUSY);
            k.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            assertThat(text(k, MK + "/instances/web/status")).isEqualTo("active\n");
            assertThat(errnoOf(() -> k.rmdir(MK + "/instances/web"))).isEqualTo(Errno.EBUSY);
        }
        try (KernelModel k = mounted(dir.resolve("other"), InterfaceGeneration.RFC_V2)) {
            writeTree(k, v2Instance("web", 1, WEB_MEM, 2, 3));
            k.rmdir(MK + "/instances/web");
            assertThat(k.list(MK + "/instances")).isEmpty();
            assertThat(errnoOf(() -> k.rmdir(MK + "/instances/web"))).isEqualTo(Errno.ENOENT);
        }
    }

    @Test
    @DisplayName("§1 mkdir under instances/ is EPERM with 'Manual instance creation disabled'")
    void mkdirDisabled() throws Exception {
        try (KernelModel k = k()) {
            assertThat(errnoOf(() -> k.mkdir(MK + "/instances/web"))).isEqualTo(Errno.EPERM);
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("Manual instance creation disabled"));
        }
    }

    @Test
    @DisplayName("§4 v2 flag check: only KEXEC_MK_ID(1) passes; other ids are EINVAL")
    void flagCheck() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("a", 1, WEB_MEM, 2), v2Instance("b", 2, WEB_MEM, 3));
            Path image = KernelImages.validImage(dir);
            assertThat(errnoOf(() -> k.kexecFileLoad(
                            image, Optional.empty(), "", KEXEC_MULTIKERNEL | kexecMkId(2) | KEXEC_FILE_NO_INITRAMFS)))
                    .isEqualTo(Errno.EINVAL);
            k.kexecFileLoad(image, Optional.empty(), "", KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
            assertThat(text(k, "/proc/kimage")).contains("    1  multikernel  0x");
        }
    }

    @Test
    @DisplayName("§4 v2 single kexec_image slot: a second load frees the first; UNLOAD frees whatever is loaded")
    void singleSlot() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("a", 1, WEB_MEM, 2));
            Path image = KernelImages.validImage(dir);
            k.kexecFileLoad(image, Optional.empty(), "", KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
            k.kexecFileLoad(image, Optional.empty(), "", KEXEC_FILE_NO_INITRAMFS);
            assertThat(text(k, MK + "/instances/a/status")).isEqualTo("ready\n");
            assertThat(text(k, "/proc/kimage")).contains("    0  default").doesNotContain("multikernel  0x");
            k.kexecFileLoad(image, Optional.empty(), "", KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
            k.kexecFileUnload(KEXEC_MULTIKERNEL);
            assertThat(text(k, MK + "/instances/a/status")).isEqualTo("ready\n");
            assertThat(text(k, "/proc/kimage")).endsWith("No kimages loaded\n");
        }
    }

    @Test
    @DisplayName("§4 v2 exec: the first CPU must be offline (a CPU that could not be offlined: EBUSY); no CPUs EINVAL")
    void execRules() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("a", 1, WEB_MEM, 0, 1));
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("Continuing without CPU assignment"));
            Path image = KernelImages.validImage(dir);
            k.kexecFileLoad(image, Optional.empty(), "", KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
            assertThat(errnoOf(
                            () -> k.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL, 1)))
                    .isEqualTo(Errno.EBUSY);
            assertThat(errnoOf(
                            () -> k.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL, 2)))
                    .isEqualTo(Errno.EINVAL);
        }
        try (KernelModel k = mounted(dir.resolve("nocpu"), InterfaceGeneration.RFC_V2)) {
            writeTree(k, v2Instance("a", 1, WEB_MEM));
            k.kexecFileLoad(
                    KernelImages.validImage(dir),
                    Optional.empty(),
                    "",
                    KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
            assertThat(errnoOf(
                            () -> k.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL, 1)))
                    .isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("§2 v2 exec builds a one-page KHO FDT around the instance DTB: ENOSPC when it does not fit")
    void khoTooBig() throws Exception {
        try (KernelModel k = k()) {
            Node fat = null;
            for (int pad = 3800; pad < 4096; pad += 4) {
                Node candidate = v2Instance("fat", 1, WEB_MEM, 2)
                        .withProperty(dev.multikernel.host.devicetree.Property.bytes("pad", new byte[pad]));
                if (v2Tree(candidate).length <= 4096) {
                    fat = candidate;
                }
            }
            writeTree(k, fat);
            assertThat(k.list(MK + "/instances")).containsExactly("fat");
            k.kexecFileLoad(
                    KernelImages.validImage(dir),
                    Optional.empty(),
                    "",
                    KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
            assertThat(errnoOf(
                            () -> k.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL, 1)))
                    .isEqualTo(Errno.ENOSPC);
        }
    }

    @Test
    @DisplayName("§4 RFC v2 has no stop interface: HALT and HALT_FORCE are unknown commands (EINVAL)")
    void noHalt() throws Exception {
        try (KernelModel k = k()) {
            writeTree(k, v2Instance("a", 1, WEB_MEM, 2));
            k.kexecFileLoad(
                    KernelImages.validImage(dir),
                    Optional.empty(),
                    "",
                    KEXEC_MULTIKERNEL | kexecMkId(1) | KEXEC_FILE_NO_INITRAMFS);
            k.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            assertThat(errnoOf(() ->
                            k.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL_HALT, 1)))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.reboot(
                            LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE, 1)))
                    .isEqualTo(Errno.EINVAL);
            assertThat(text(k, MK + "/instances/a/status")).isEqualTo("active\n");
        }
    }
}
