package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.fixtures.Trees.*;
import static dev.multikernel.sim.kernel.Sim.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("fault injection")
class FaultInjectorTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("failNext: the next N matching calls fail with the errno and change nothing; then calls work again")
    void failNext() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            k.faults().failNext(Operation.WRITE, MK + "/overlays/*", Errno.ENOMEM, 2);
            byte[] create = overlay("/instances", instanceCreate("web", 1, GIB, 2));
            assertThat(errnoOf(() -> k.write(MK + "/overlays/new", create))).isEqualTo(Errno.ENOMEM);
            assertThat(errnoOf(() -> k.write(MK + "/overlays/new", create))).isEqualTo(Errno.ENOMEM);
            assertThat(k.list(MK + "/overlays")).containsExactly("new");
            k.write(MK + "/overlays/new", create);
            assertThat(k.list(MK + "/instances")).containsExactly("web");
            assertThat(k.faults().rules()).isEmpty();
        }
    }

    @Test
    @DisplayName("failNext matches operation and glob only; ? matches one character")
    void matching() throws Exception {
        try (KernelModel k = open(dir.resolve("2"), InterfaceGeneration.CURRENT)) {
            k.faults().failNext(Operation.READ, "/proc/kimag?", Errno.EACCES, 1);
            assertThat(k.list("/proc")).contains("kimage");
            assertThat(text(k, "/proc/iomem")).isNotEmpty();
            assertThat(errnoOf(() -> k.read("/proc/kimage"))).isEqualTo(Errno.EACCES);
            assertThat(text(k, "/proc/kimage")).contains("MK_ID");
        }
    }

    @Test
    @DisplayName("kexec and reboot faults match the kernel path and the command in hex")
    void syscallFaults() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            k.faults().failNext(Operation.REBOOT, "4d4b4c49", Errno.EBUSY, 1);
            assertThat(errnoOf(() -> k.reboot(
                            MultikernelAbi.LINUX_REBOOT_MAGIC1,
                            MultikernelAbi.LINUX_REBOOT_MAGIC2,
                            MultikernelAbi.LINUX_REBOOT_CMD_MULTIKERNEL,
                            1)))
                    .isEqualTo(Errno.EBUSY);
            k.faults().failNext(Operation.KEXEC_FILE_LOAD, "*", Errno.EBUSY, 1);
            assertThat(errnoOf(() -> k.kexecFileUnload(0))).isEqualTo(Errno.EBUSY);
            k.faults().failNext(Operation.MOUNT, "*", Errno.EPERM, 1);
            assertThat(errnoOf(() -> k.mount("none", MK, "multikernel", 0, ""))).isEqualTo(Errno.EPERM);
        }
    }

    @Test
    @DisplayName("§7.1 OVERLAY_APPLY fault: the write succeeds, the transaction is failed")
    void overlayApplyFault() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            k.faults().failNext(Operation.OVERLAY_APPLY, "/instances", Errno.ENOMEM, 1);
            String tx = applyOverlay(k, overlay("/instances", instanceCreate("web", 1, GIB, 2)));
            assertThat(txStatus(k, tx)).isEqualTo("failed");
            assertThat(k.list(MK + "/instances")).isEmpty();
        }
    }

    @Test
    @DisplayName("slowReplies delays every call by at least the delay; clear() disarms everything")
    void slowAndClear() throws Exception {
        try (KernelModel k = open(dir, InterfaceGeneration.CURRENT)) {
            k.faults()
                    .slowReplies(Duration.ofMillis(150))
                    .haltTimesOut(true)
                    .failNext(Operation.READ, "*", Errno.EIO, 5);
            long t0 = System.nanoTime();
            assertThat(errnoOf(() -> k.read("/proc/cmdline"))).isEqualTo(Errno.EIO);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            k.faults().clear();
            assertThat(k.faults().rules()).isEmpty();
            assertThat(k.faults().haltTimesOut()).isFalse();
            assertThat(k.faults().slowReplies()).isZero();
            assertThat(text(k, "/proc/cmdline")).isNotEmpty();
        }
    }

    @Test
    @DisplayName("bad arguments are refused")
    void validation() {
        FaultInjector f = new FaultInjector();
        assertThatThrownBy(() -> f.failNext(Operation.READ, "*", Errno.EIO, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.slowReplies(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(FaultInjector.globToRegex("/a/*/b?").matcher("/a/x/y/bz").matches())
                .isTrue();
        assertThat(FaultInjector.globToRegex("/a.b").matcher("/axb").matches()).isFalse();
    }
}
