package dev.multikernel.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.sim.fixtures.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Shared helpers for kernel model tests. */
final class Sim {
    private Sim() {}

    static final String MK = "/sys/fs/multikernel";
    static final long GIB = 1L << 30;
    static final long MIB = 1L << 20;
    /** APIC ids of the default topology: logical 0..3 -> 0,2,4,6 (node 0); 4..7 -> 16,18,20,22 (node 1). */
    static final long[] POOL_CPUS = {2, 4, 6, 16, 18};

    static KernelModel open(Path dir, InterfaceGeneration g) throws IOException {
        return KernelModel.open(dir, HostTopology.defaults(), g);
    }

    static KernelModel mounted(Path dir, InterfaceGeneration g) throws Exception {
        KernelModel k = open(dir, g);
        k.mount("none", MK, "multikernel", 0, "");
        return k;
    }

    /** Current tree, mounted, with a baseline of CPUs 2,4,6,16,18 and 2 GiB on node 0 + 1 GiB on node 1. */
    static KernelModel withBaseline(Path dir) throws Exception {
        KernelModel k = mounted(dir, InterfaceGeneration.CURRENT);
        k.write(MK + "/device_tree", Trees.baseline(POOL_CPUS, 2 * GIB, GIB));
        return k;
    }

    static String text(KernelModel k, String path) throws KernelError {
        return new String(k.read(path), StandardCharsets.UTF_8);
    }

    static DeviceTree dtb(KernelModel k, String path) throws Exception {
        return Fdt.parse(k.read(path));
    }

    static Errno errnoOf(ThrowingCall call) {
        KernelError e = catchThrowableOfType(KernelError.class, call::run);
        assertThat(e).as("expected a KernelError").isNotNull();
        return e.errno();
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    /** Writes an overlay and returns the name of the transaction it created (the highest tx_N). */
    static String applyOverlay(KernelModel k, byte[] dtbo) throws Exception {
        List<String> before = k.list(MK + "/overlays");
        k.write(MK + "/overlays/new", dtbo);
        List<String> after = k.list(MK + "/overlays");
        assertThat(after).hasSize(before.size() + 1);
        return after.stream().filter(n -> !before.contains(n)).findFirst().orElseThrow();
    }

    static String txStatus(KernelModel k, String tx) throws Exception {
        return text(k, MK + "/overlays/" + tx + "/status").trim();
    }
}
