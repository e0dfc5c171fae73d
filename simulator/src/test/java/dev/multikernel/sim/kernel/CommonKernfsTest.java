package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.kernel.Sim.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reference §1 "Common to both generations". */
@DisplayName("§1 kernfs layout, common to both generations")
class CommonKernfsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(InterfaceGeneration.class)
    @DisplayName("§1 the mount point exists but is empty until mount -t multikernel")
    void notAutoMounted(InterfaceGeneration g) throws Exception {
        try (KernelModel k = open(dir, g)) {
            assertThat(k.list(MK)).isEmpty();
            assertThat(errnoOf(() -> k.read(MK + "/device_tree"))).isEqualTo(Errno.ENOENT);
            assertThat(text(k, "/proc/mounts")).doesNotContain("multikernel");
            k.mount("none", MK, "multikernel", 0, "");
            assertThat(k.list(MK)).contains("device_tree", "instances");
            assertThat(text(k, "/proc/mounts")).contains("none /sys/fs/multikernel multikernel rw,relatime 0 0\n");
        }
    }

    @ParameterizedTest
    @EnumSource(InterfaceGeneration.class)
    @DisplayName("§1 the fs is global: mounting again succeeds and shows the same tree")
    void mountTwice(InterfaceGeneration g) throws Exception {
        try (KernelModel k = mounted(dir, g)) {
            k.mount("none", MK, "multikernel", 0, "");
            assertThat(k.list(MK)).contains("device_tree");
        }
    }

    @ParameterizedTest
    @EnumSource(InterfaceGeneration.class)
    @DisplayName("§1 filesystem type name is 'multikernel' (another type: ENODEV), only at /sys/fs/multikernel")
    void mountRules(InterfaceGeneration g) throws Exception {
        try (KernelModel k = open(dir, g)) {
            assertThat(errnoOf(() -> k.mount("none", MK, "sysfs", 0, ""))).isEqualTo(Errno.ENODEV);
            assertThat(errnoOf(() -> k.mount("none", "/mnt", "multikernel", 0, "")))
                    .isEqualTo(Errno.ENOENT);
        }
    }

    @ParameterizedTest
    @EnumSource(InterfaceGeneration.class)
    @DisplayName("§1 mkdir anywhere returns EPERM (EEXIST for an existing name)")
    void mkdirIsEperm(InterfaceGeneration g) throws Exception {
        try (KernelModel k = mounted(dir, g)) {
            assertThat(errnoOf(() -> k.mkdir(MK + "/foo"))).isEqualTo(Errno.EPERM);
            assertThat(errnoOf(() -> k.mkdir(MK + "/instances/web"))).isEqualTo(Errno.EPERM);
            assertThat(errnoOf(() -> k.mkdir(MK + "/instances"))).isEqualTo(Errno.EEXIST);
            assertThat(errnoOf(() -> k.mkdir(MK + "/nope/deeper"))).isEqualTo(Errno.ENOENT);
        }
    }

    @ParameterizedTest
    @EnumSource(InterfaceGeneration.class)
    @DisplayName("§1 rmdir of the fixed directories returns EPERM")
    void rmdirFixedDirs(InterfaceGeneration g) throws Exception {
        try (KernelModel k = mounted(dir, g)) {
            assertThat(errnoOf(() -> k.rmdir(MK + "/instances"))).isEqualTo(Errno.EPERM);
            assertThat(errnoOf(() -> k.rmdir(MK))).isEqualTo(Errno.EBUSY);
            assertThat(errnoOf(() -> k.rmdir(MK + "/device_tree"))).isEqualTo(Errno.ENOTDIR);
            assertThat(errnoOf(() -> k.rmdir(MK + "/missing"))).isEqualTo(Errno.ENOENT);
        }
    }

    @ParameterizedTest
    @EnumSource(InterfaceGeneration.class)
    @DisplayName("file-system errnos: EISDIR, ENOTDIR, ENOENT for relative paths, ENAMETOOLONG")
    void pathErrnos(InterfaceGeneration g) throws Exception {
        try (KernelModel k = mounted(dir, g)) {
            assertThat(errnoOf(() -> k.read(MK + "/instances"))).isEqualTo(Errno.EISDIR);
            assertThat(errnoOf(() -> k.list(MK + "/device_tree"))).isEqualTo(Errno.ENOTDIR);
            assertThat(errnoOf(() -> k.read(MK + "/device_tree/x"))).isEqualTo(Errno.ENOTDIR);
            assertThat(errnoOf(() -> k.read("sys/fs/multikernel/device_tree"))).isEqualTo(Errno.ENOENT);
            assertThat(errnoOf(() -> k.read("/" + "a".repeat(300)))).isEqualTo(Errno.ENAMETOOLONG);
            assertThat(errnoOf(() -> k.read("/x".repeat(2100)))).isEqualTo(Errno.ENAMETOOLONG);
            assertThat(text(k, "/sys/fs/multikernel/../../../proc/cmdline")).contains("mkkernel_pool=4G");
        }
    }

    @ParameterizedTest
    @EnumSource(InterfaceGeneration.class)
    @DisplayName("read-only attributes: kernfs write gets EINVAL, /proc write gets EIO")
    void readOnlyWrites(InterfaceGeneration g) throws Exception {
        try (KernelModel k = mounted(dir, g)) {
            assertThat(errnoOf(() -> k.write("/proc/kimage", new byte[] {1}))).isEqualTo(Errno.EIO);
            assertThat(errnoOf(() -> k.write("/proc/iomem", new byte[] {1}))).isEqualTo(Errno.EIO);
            assertThat(errnoOf(() -> k.write("/sys/devices/system/cpu/online", new byte[] {1})))
                    .isEqualTo(Errno.EINVAL);
        }
    }

    @ParameterizedTest
    @EnumSource(InterfaceGeneration.class)
    @DisplayName("host files: boot id, command line, CPU online lists")
    void hostFiles(InterfaceGeneration g) throws Exception {
        try (KernelModel k = open(dir, g)) {
            assertThat(text(k, "/proc/sys/kernel/random/boot_id")).isEqualTo(k.bootId() + "\n");
            assertThat(text(k, "/sys/devices/system/cpu/online")).isEqualTo("0-7\n");
            assertThat(text(k, "/sys/devices/system/cpu/offline")).isEqualTo("\n");
            assertThat(text(k, "/sys/devices/system/cpu/cpu3/online")).isEqualTo("1\n");
            assertThat(k.list("/sys/devices/system/cpu/cpu0"))
                    .as("the boot CPU has no online file")
                    .containsExactly("node0");
            assertThat(k.list("/proc")).contains("iomem", "kimage");
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("cpulist format collapses ranges")
    void cpuListFormat() {
        assertThat(KernelModel.cpuList(java.util.Set.of(0, 1, 2, 4, 6, 7))).isEqualTo("0-2,4,6-7");
        assertThat(KernelModel.cpuList(java.util.Set.of())).isEmpty();
    }
}
