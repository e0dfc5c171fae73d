package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.fixtures.Trees.*;
import static dev.multikernel.sim.kernel.MultikernelAbi.*;
import static dev.multikernel.sim.kernel.Sim.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.sim.fixtures.KernelImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reference §4 "kexec and reboot side" for the current tree. */
@DisplayName("§4 kexec_file_load and reboot, current tree")
class KexecRebootTest {
    @TempDir
    Path dir;

    Path image;
    Path initrd;

    static final long LOAD1 = KEXEC_MULTIKERNEL | kexecMkId(1);

    @BeforeEach
    void images() throws Exception {
        image = KernelImages.validImage(dir);
        initrd = KernelImages.initrd(dir);
    }

    private KernelModel withWeb() throws Exception {
        KernelModel k = withBaseline(dir.resolve("state"));
        applyOverlay(k, overlay("/instances", instanceCreate("web", 1, GIB, 2, 4)));
        return k;
    }

    private static void reboot(KernelModel k, int cmd, int id) throws KernelError {
        k.reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, id);
    }

    private static String status(KernelModel k) throws KernelError {
        return text(k, MK + "/instances/web/status").trim();
    }

    @Test
    @DisplayName("§4 constants: KEXEC_MK_ID(id) = (id << 5) & 0xffe0, ids 1-2047")
    void constants() {
        assertThat(kexecMkId(1)).isEqualTo(0x20);
        assertThat(kexecMkId(2047)).isEqualTo(0xffe0);
        assertThat(kexecMkId(2048)).isZero();
        assertThat(mkIdOf(KEXEC_MULTIKERNEL | kexecMkId(7) | KEXEC_FILE_NO_INITRAMFS))
                .isEqualTo(7);
        assertThat(LINUX_REBOOT_CMD_MULTIKERNEL).isEqualTo(0x4D4B4C49);
    }

    @Test
    @DisplayName("§1/§4 states: ready -> loaded (load) -> active (exec) -> loaded (halt) -> ready (unload)")
    void lifecycle() throws Exception {
        try (KernelModel k = withWeb()) {
            assertThat(status(k)).isEqualTo("ready");
            k.kexecFileLoad(image, Optional.of(initrd), "console=mktty0", LOAD1);
            assertThat(status(k)).isEqualTo("loaded");
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            assertThat(status(k)).isEqualTo("active");
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL_HALT, 1);
            assertThat(status(k)).isEqualTo("loaded");
            k.kexecFileUnload(KEXEC_MULTIKERNEL | kexecMkId(1));
            assertThat(status(k)).isEqualTo("ready");
        }
    }

    @Test
    @DisplayName("§4 /proc/kimage: header, one row per image with \"%5d  %-10s  0x%012lx  %8lu\", or No kimages loaded")
    void procKimage() throws Exception {
        try (KernelModel k = withWeb()) {
            assertThat(text(k, "/proc/kimage")).isEqualTo("""
                    MK_ID  Type        Start Address   Segments
                    -----  ----------  --------------  --------
                    No kimages loaded
                    """);
            k.kexecFileLoad(image, Optional.of(initrd), "console=mktty0", LOAD1);
            String[] lines = text(k, "/proc/kimage").split("\n");
            assertThat(lines).hasSize(3);
            assertThat(lines[2]).matches("    1  multikernel  0x[0-9a-f]{12}         5");
            long base = dtb(k, MK + "/instances/web/device_tree")
                    .find("/resources")
                    .orElseThrow()
                    .property("memory-base")
                    .orElseThrow()
                    .asU64();
            long start = Long.parseLong(lines[2].substring(22, 34), 16);
            assertThat(start).isBetween(base, base + GIB);
            k.kexecFileLoad(image, Optional.empty(), "", KEXEC_FILE_NO_INITRAMFS);
            assertThat(text(k, "/proc/kimage").split("\n")[3]).matches("    0  default     0x[0-9a-f]{12}         3");
            k.kexecFileUnload(KEXEC_MULTIKERNEL | kexecMkId(1));
            assertThat(text(k, "/proc/kimage")).doesNotContain("multikernel");
        }
    }

    @Test
    @DisplayName("§4 load without initrd needs KEXEC_FILE_NO_INITRAMFS (fd -1 otherwise: EBADF); 4 segments then")
    void noInitrd() throws Exception {
        try (KernelModel k = withWeb()) {
            assertThat(errnoOf(() -> k.kexecFileLoad(image, Optional.empty(), "", LOAD1)))
                    .isEqualTo(Errno.EBADF);
            k.kexecFileLoad(image, Optional.empty(), "", LOAD1 | KEXEC_FILE_NO_INITRAMFS);
            assertThat(text(k, "/proc/kimage")).endsWith("         4\n");
        }
    }

    @Test
    @DisplayName("§4 load errors: id <= 0 EINVAL, no such instance ENOENT, already has a kimage EBUSY")
    void loadErrors() throws Exception {
        try (KernelModel k = withWeb()) {
            assertThat(errnoOf(() -> k.kexecFileLoad(image, Optional.of(initrd), "", KEXEC_MULTIKERNEL)))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.kexecFileLoad(image, Optional.of(initrd), "", KEXEC_MULTIKERNEL | kexecMkId(9))))
                    .isEqualTo(Errno.ENOENT);
            k.kexecFileLoad(image, Optional.of(initrd), "", LOAD1);
            assertThat(errnoOf(() -> k.kexecFileLoad(image, Optional.of(initrd), "", LOAD1)))
                    .isEqualTo(Errno.EBUSY);
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            assertThat(errnoOf(() -> k.kexecFileLoad(image, Optional.of(initrd), "", LOAD1)))
                    .isEqualTo(Errno.EBUSY);
        }
    }

    @Test
    @DisplayName("§4 flags outside KEXEC_FILE_FLAGS | KEXEC_MK_ID_MASK are EINVAL")
    void unknownFlags() throws Exception {
        try (KernelModel k = withWeb()) {
            assertThat(errnoOf(() -> k.kexecFileLoad(image, Optional.of(initrd), "", LOAD1 | 0x10000)))
                    .isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("§4 segments go into the instance's memory: ENOMEM when it is too small or absent")
    void instanceMemoryTooSmall() throws Exception {
        try (KernelModel k = withBaseline(dir.resolve("state"))) {
            applyOverlay(k, overlay("/instances", instanceCreate("tiny", 1, 16384, 2)));
            applyOverlay(k, overlay("/instances", instanceCreate("none", 2, 0, 4)));
            assertThat(errnoOf(() -> k.kexecFileLoad(image, Optional.of(initrd), "", LOAD1)))
                    .isEqualTo(Errno.ENOMEM);
            assertThat(errnoOf(() -> k.kexecFileLoad(image, Optional.of(initrd), "", KEXEC_MULTIKERNEL | kexecMkId(2))))
                    .isEqualTo(Errno.ENOMEM);
            assertThat(text(k, MK + "/instances/tiny/status")).isEqualTo("ready\n");
        }
    }

    @Test
    @DisplayName("x86 bzImage64 probe: every broken header field is ENOEXEC")
    void bzImageProbe() throws Exception {
        try (KernelModel k = withWeb()) {
            Object[][] bad = {
                {"short", KernelImages.valid().truncateTo(1000)},
                {"magic", KernelImages.valid().magic("HdrX")},
                {"bootflag", KernelImages.valid().bootFlag(0x1234)},
                {"protocol", KernelImages.valid().version(0x020B)},
                {"loadhigh", KernelImages.valid().loadFlags(0)},
                {"not64", KernelImages.valid().xloadFlags(0x02)},
                {"below4g", KernelImages.valid().xloadFlags(0x01)},
                {
                    "truncated",
                    KernelImages.valid().setupSects(60).payloadBytes(0).truncateTo(4096)
                },
            };
            for (Object[] b : bad) {
                Path f = ((KernelImages.Spec) b[1]).writeTo(dir.resolve((String) b[0]));
                assertThat(errnoOf(() -> k.kexecFileLoad(f, Optional.of(initrd), "", LOAD1)))
                        .as((String) b[0])
                        .isEqualTo(Errno.ENOEXEC);
            }
            assertThat(status(k)).isEqualTo("ready");
        }
    }

    @Test
    @DisplayName("kexec_file_load file checks: unreadable path EBADF, empty EINVAL, directory EINVAL")
    void fileChecks() throws Exception {
        try (KernelModel k = withWeb()) {
            assertThat(errnoOf(() -> k.kexecFileLoad(dir.resolve("missing"), Optional.of(initrd), "", LOAD1)))
                    .isEqualTo(Errno.EBADF);
            Path empty = Files.write(dir.resolve("empty"), new byte[0]);
            assertThat(errnoOf(() -> k.kexecFileLoad(empty, Optional.of(initrd), "", LOAD1)))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.kexecFileLoad(dir, Optional.of(initrd), "", LOAD1)))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.kexecFileLoad(image, Optional.of(dir.resolve("nope")), "", LOAD1)))
                    .isEqualTo(Errno.EBADF);
        }
    }

    @Test
    @DisplayName(
            "command line: must end in NUL; longer than the image's cmdline_size (minus elfcorehdr room) is EINVAL")
    void cmdlineChecks() throws Exception {
        try (KernelModel k = withWeb()) {
            assertThat(errnoOf(() -> k.kexecFileLoad(Optional.of(image), Optional.of(initrd), "abc".getBytes(), LOAD1)))
                    .isEqualTo(Errno.EINVAL);
            Path small = KernelImages.valid().cmdlineSize(64).writeTo(dir.resolve("small"));
            assertThat(errnoOf(() -> k.kexecFileLoad(small, Optional.of(initrd), "x".repeat(40), LOAD1)))
                    .isEqualTo(Errno.EINVAL);
            k.kexecFileLoad(small, Optional.of(initrd), "x".repeat(20), LOAD1);
        }
    }

    @Test
    @DisplayName(
            "§4 unload: per instance in the current tree; nothing loaded is a no-op; unknown id ENOENT; running EBUSY")
    void unload() throws Exception {
        try (KernelModel k = withWeb()) {
            k.kexecFileUnload(KEXEC_MULTIKERNEL | kexecMkId(1));
            assertThat(errnoOf(() -> k.kexecFileUnload(KEXEC_MULTIKERNEL | kexecMkId(5))))
                    .isEqualTo(Errno.ENOENT);
            assertThat(errnoOf(() -> k.kexecFileUnload(KEXEC_MULTIKERNEL))).isEqualTo(Errno.EINVAL);
            k.kexecFileLoad(image, Optional.of(initrd), "", LOAD1);
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            assertThat(errnoOf(() -> k.kexecFileUnload(KEXEC_MULTIKERNEL | kexecMkId(1))))
                    .isEqualTo(Errno.EBUSY);
        }
    }

    @Test
    @DisplayName("§4 exec: no image for the id EINVAL; running instance EBUSY; instance without CPUs EINVAL")
    void execErrors() throws Exception {
        try (KernelModel k = withWeb()) {
            assertThat(errnoOf(() -> reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 1)))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 77)))
                    .isEqualTo(Errno.EINVAL);
            k.kexecFileLoad(image, Optional.of(initrd), "", LOAD1);
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            assertThat(errnoOf(() -> reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 1)))
                    .isEqualTo(Errno.EBUSY);
            applyOverlay(k, overlay("/instances", instanceCreate("nocpu", 2, 64 * MIB)));
            k.kexecFileLoad(image, Optional.of(initrd), "", KEXEC_MULTIKERNEL | kexecMkId(2));
            assertThat(errnoOf(() -> reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 2)))
                    .isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("§4 halt: needs active (EINVAL), unknown id ENOENT; force also takes loaded")
    void haltRules() throws Exception {
        try (KernelModel k = withWeb()) {
            assertThat(errnoOf(() -> reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL_HALT, 1)))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL_HALT, 42)))
                    .isEqualTo(Errno.ENOENT);
            assertThat(errnoOf(() -> reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE, 1)))
                    .isEqualTo(Errno.EINVAL);
            k.kexecFileLoad(image, Optional.of(initrd), "", LOAD1);
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE, 1);
            assertThat(status(k)).isEqualTo("loaded");
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE, 1);
            assertThat(status(k)).isEqualTo("loaded");
        }
    }

    @Test
    @DisplayName("§4 halt that gets no acknowledgement times out: ETIMEDOUT, still active; force halt then works")
    void haltTimesOut() throws Exception {
        try (KernelModel k = withWeb()) {
            k.kexecFileLoad(image, Optional.of(initrd), "", LOAD1);
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            k.faults().haltTimesOut(true);
            assertThat(errnoOf(() -> reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL_HALT, 1)))
                    .isEqualTo(Errno.ETIMEDOUT);
            assertThat(status(k)).isEqualTo("active");
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE, 1);
            assertThat(status(k)).isEqualTo("loaded");
        }
    }

    @Test
    @DisplayName("§1 halt that cannot quiesce device interrupts leaves the instance failed; unload recovers it")
    void haltFails() throws Exception {
        try (KernelModel k = withWeb()) {
            k.kexecFileLoad(image, Optional.of(initrd), "", LOAD1);
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 1);
            k.faults().haltCannotQuiesce(true);
            reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL_HALT, 1);
            assertThat(status(k)).isEqualTo("failed");
            assertThat(errnoOf(() -> reboot(k, LINUX_REBOOT_CMD_MULTIKERNEL, 1)))
                    .isEqualTo(Errno.EBUSY);
            k.kexecFileUnload(KEXEC_MULTIKERNEL | kexecMkId(1));
            assertThat(status(k)).isEqualTo("ready");
        }
    }

    @Test
    @DisplayName(
            "reboot(2): bad magic EINVAL, unknown command EINVAL, all four magic2 values accepted, CAD_ON is a no-op")
    void rebootMagic() throws Exception {
        try (KernelModel k = withWeb()) {
            assertThat(errnoOf(() -> k.reboot(0x1234, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_MULTIKERNEL, 1)))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.reboot(LINUX_REBOOT_MAGIC1, 5, LINUX_REBOOT_CMD_MULTIKERNEL, 1)))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> reboot(k, 0x12345678, 1))).isEqualTo(Errno.EINVAL);
            for (int m2 :
                    new int[] {LINUX_REBOOT_MAGIC2, LINUX_REBOOT_MAGIC2A, LINUX_REBOOT_MAGIC2B, LINUX_REBOOT_MAGIC2C}) {
                k.reboot(LINUX_REBOOT_MAGIC1, m2, LINUX_REBOOT_CMD_CAD_ON, 0);
            }
            assertThat(status(k)).isEqualTo("ready");
        }
    }

    @Test
    @DisplayName("reboot(RESTART) reboots the simulated host: new boot id, empty kernel state")
    void restartRebootsHost() throws Exception {
        try (KernelModel k = withWeb()) {
            String before = k.bootId();
            reboot(k, LINUX_REBOOT_CMD_RESTART, 0);
            assertThat(k.bootId()).isNotEqualTo(before);
            assertThat(k.list(MK)).isEmpty();
        }
    }
}
