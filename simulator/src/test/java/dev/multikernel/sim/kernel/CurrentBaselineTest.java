package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.kernel.Sim.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.sim.fixtures.Trees;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reference §1 "Current tree: Writing the root device_tree (the baseline)", §2 "Baseline", §2 "Pool read-back". */
@DisplayName("§1/§2 current tree: baseline and pool read-back")
class CurrentBaselineTest {
    @TempDir
    Path dir;

    private KernelModel k() throws Exception {
        return mounted(dir, InterfaceGeneration.CURRENT);
    }

    private static byte[] baselineWith(java.util.function.Consumer<Node.Builder> resources) {
        return Trees.blob(Trees.baselineNode(new long[] {2, 4}, new long[] {GIB}, resources));
    }

    @Test
    @DisplayName("§2 pool read-back: id 0, cpus, cpus-available, memory@base chunks with reg and numa-node-id")
    void poolReadBack() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            DeviceTree t = dtb(k, MK + "/device_tree");
            assertThat(t.root().property("id").orElseThrow().asU32()).isZero();
            assertThat(t.root().property("compatible").orElseThrow().asString()).isEqualTo("multikernel-v1");
            Node res = t.find("/resources").orElseThrow();
            assertThat(res.property("cpus").orElseThrow().asU64List()).containsExactly(2L, 4L, 6L, 16L, 18L);
            assertThat(res.property("cpus-available").orElseThrow().asU64List()).containsExactly(2L, 4L, 6L, 16L, 18L);
            List<Node> chunks = res.childrenNamed("memory");
            assertThat(chunks).hasSize(2);
            long[] reg0 = chunks.get(0).property("reg").orElseThrow().asU64Cells();
            assertThat(chunks.get(0).name()).isEqualTo("memory@" + Long.toHexString(reg0[0]));
            assertThat(reg0[1]).isEqualTo(2 * GIB);
            assertThat(chunks.get(0).property("device_type").orElseThrow().asString())
                    .isEqualTo("memory");
            assertThat(chunks.get(0).property("numa-node-id").orElseThrow().asU32())
                    .isZero();
            assertThat(chunks.get(1).property("numa-node-id").orElseThrow().asU32())
                    .isEqualTo(1);
            assertThat(chunks.get(1).property("reg").orElseThrow().asU64Cells()[0])
                    .isGreaterThanOrEqualTo(9 * GIB);
        }
    }

    @Test
    @DisplayName("§2 before any baseline the root device_tree describes this kernel's own CPUs")
    void readBeforeBaseline() throws Exception {
        try (KernelModel k = k()) {
            Node res = dtb(k, MK + "/device_tree").find("/resources").orElseThrow();
            assertThat(res.property("cpus").orElseThrow().asU64List())
                    .containsExactly(0L, 2L, 4L, 6L, 16L, 18L, 20L, 22L);
            assertThat(res.hasProperty("cpus-available")).isFalse();
        }
    }

    @Test
    @DisplayName("§1 baseline written once: a second write is EBUSY")
    void baselineIsOneShot() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.baseline(new long[] {20}, GIB))))
                    .isEqualTo(Errno.EBUSY);
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("change the pool with an overlay targeting /resources"));
        }
    }

    @Test
    @DisplayName("§1 size mismatch: one write of exactly fdt_totalsize bytes, else EINVAL")
    void sizeMismatch() throws Exception {
        try (KernelModel k = k()) {
            byte[] b = Trees.baseline(new long[] {2}, GIB);
            byte[] longer = Arrays.copyOf(b, b.length + 8);
            byte[] shorter = Arrays.copyOf(b, b.length - 8);
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", longer))).isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", shorter))).isEqualTo(Errno.EINVAL);
            k.write(MK + "/device_tree", b);
        }
    }

    @Test
    @DisplayName("§1 bad header is EINVAL")
    void badHeader() throws Exception {
        try (KernelModel k = k()) {
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", "not a dtb at all, really not".getBytes())))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", new byte[0]))).isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("§1 atomic_write_len is 1 MiB: a longer write is refused by kernfs with E2BIG")
    void longerThanAtomicWriteLen() throws Exception {
        try (KernelModel k = k()) {
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", new byte[(1 << 20) + 1])))
                    .isEqualTo(Errno.E2BIG);
        }
    }

    @Test
    @DisplayName("§1 /instances with children in a baseline is EINVAL; an empty /instances is fine")
    void instancesInBaseline() throws Exception {
        try (KernelModel k = k()) {
            Node withChild = Trees.baselineNode(new long[] {2}, new long[] {GIB}, r -> {})
                    .withChild(
                            Node.builder("instances").child(Node.empty("web")).build());
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.blob(withChild))))
                    .isEqualTo(Errno.EINVAL);
            Node empty = Trees.baselineNode(new long[] {2}, new long[] {GIB}, r -> {})
                    .withChild(Node.empty("instances"));
            k.write(MK + "/device_tree", Trees.blob(empty));
        }
    }

    @Test
    @DisplayName("§1 no /resources node is EINVAL")
    void noResources() throws Exception {
        try (KernelModel k = k()) {
            byte[] b = Trees.blob(
                    Node.builder("").string("compatible", "multikernel-v1").build());
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", b))).isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("§2 /resources/cpus: required, non-empty, u64 cells (EINVAL otherwise)")
    void cpusRules() throws Exception {
        try (KernelModel k = k()) {
            Node noCpus = Node.builder("")
                    .child(Node.builder("resources")
                            .child(Node.builder("memory@0").u64("size", GIB).build())
                            .build())
                    .build();
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.blob(noCpus))))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.baseline(new long[] {}, GIB))))
                    .isEqualTo(Errno.EINVAL);
            Node u32Cpus = Node.builder("")
                    .child(Node.builder("resources")
                            .u32("cpus", 2, 4, 6)
                            .child(Node.builder("memory@0").u64("size", GIB).build())
                            .build())
                    .build();
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.blob(u32Cpus))))
                    .isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("§2 each baseline CPU must exist and be present: ENODEV")
    void unknownCpu() throws Exception {
        try (KernelModel k = k()) {
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.baseline(new long[] {2, 3}, GIB))))
                    .isEqualTo(Errno.ENODEV);
        }
    }

    @Test
    @DisplayName("§2 CPU 0 in the baseline only warns, but the host never gives it away: EBUSY, rest moved")
    void bootCpu() throws Exception {
        try (KernelModel k = k()) {
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.baseline(new long[] {0, 2}, GIB))))
                    .isEqualTo(Errno.EBUSY);
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("WARNING") && l.contains("boot CPU"));
            Node res = dtb(k, MK + "/device_tree").find("/resources").orElseThrow();
            assertThat(res.property("cpus-available").orElseThrow().asU64List()).containsExactly(2L);
            // the partly applied baseline counts as applied
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.baseline(new long[] {4}, GIB))))
                    .isEqualTo(Errno.EBUSY);
        }
    }

    @Test
    @DisplayName("§2 memory@N: at least one node; size non-zero, page aligned, 8 bytes (EINVAL)")
    void memoryRules() throws Exception {
        try (KernelModel k = k()) {
            Node noMem = Node.builder("")
                    .child(Node.builder("resources").u64("cpus", 2).build())
                    .build();
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.blob(noMem))))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.baseline(new long[] {2}, GIB + 100))))
                    .isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.baseline(new long[] {2}, 0))))
                    .isEqualTo(Errno.EINVAL);
            Node u32Size = Node.builder("")
                    .child(Node.builder("resources")
                            .u64("cpus", 2)
                            .child(Node.builder("memory@0").u32("size", 1 << 30).build())
                            .build())
                    .build();
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.blob(u32Size))))
                    .isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("§2 numa-node-id: 4 bytes and in range, else EINVAL")
    void numaRules() throws Exception {
        try (KernelModel k = k()) {
            Node badLen = Node.builder("")
                    .child(Node.builder("resources")
                            .u64("cpus", 2)
                            .child(Node.builder("memory@0")
                                    .u64("size", GIB)
                                    .u64("numa-node-id", 0)
                                    .build())
                            .build())
                    .build();
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.blob(badLen))))
                    .isEqualTo(Errno.EINVAL);
            Node outOfRange = Node.builder("")
                    .child(Node.builder("resources")
                            .u64("cpus", 2)
                            .child(Node.builder("memory@0")
                                    .u64("size", GIB)
                                    .u32("numa-node-id", 64)
                                    .build())
                            .build())
                    .build();
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.blob(outOfRange))))
                    .isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("§2 more than MAX_NUMNODES memory nodes is E2BIG")
    void tooManyMemoryNodes() throws Exception {
        try (KernelModel k = k()) {
            Node.Builder res = Node.builder("resources").u64("cpus", 2);
            for (int i = 0; i < 65; i++) {
                res.child(Node.builder("memory@" + i).u64("size", 4096).build());
            }
            byte[] b = Trees.blob(Node.builder("").child(res.build()).build());
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", b))).isEqualTo(Errno.E2BIG);
        }
    }

    @Test
    @DisplayName("§0 memory-base/memory-bytes (kerf main dialect) are no longer accepted: EINVAL")
    void oldDialectRejected() throws Exception {
        try (KernelModel k = k()) {
            Node old = Node.builder("")
                    .child(Node.builder("resources")
                            .u64("cpus", 2)
                            .u64("memory-base", 0x100000000L)
                            .u64("memory-bytes", GIB)
                            .build())
                    .build();
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.blob(old))))
                    .isEqualTo(Errno.EINVAL);
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("no longer accepted"));
        }
    }

    @Test
    @DisplayName("§3 the pool memory must be allocatable: ENOMEM when the node has not enough RAM")
    void poolTooBig() throws Exception {
        try (KernelModel k = k()) {
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", Trees.baseline(new long[] {2}, 64 * GIB))))
                    .isEqualTo(Errno.ENOMEM);
        }
    }

    @Test
    @DisplayName("§2 devices: pci needs pci-id, vendor-id, device-id (EINVAL); aliases name them in the read-back")
    void devices() throws Exception {
        try (KernelModel k = k()) {
            byte[] missingVendor = baselineWith(r -> r.child(Node.builder("devices")
                    .child(Node.builder("eth0")
                            .string("device-type", "pci")
                            .string("pci-id", "0000:01:00.0")
                            .u32("device-id", 0x1533)
                            .build())
                    .build()));
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", missingVendor)))
                    .isEqualTo(Errno.EINVAL);
            byte[] badId = baselineWith(r -> r.child(Node.builder("devices")
                    .child(Node.builder("eth0")
                            .string("device-type", "pci")
                            .string("pci-id", "zz")
                            .u32("vendor-id", 0x8086)
                            .u32("device-id", 0x1533)
                            .build())
                    .build()));
            assertThat(errnoOf(() -> k.write(MK + "/device_tree", badId))).isEqualTo(Errno.EINVAL);
        }
        try (KernelModel k = mounted(dir.resolve("2"), InterfaceGeneration.CURRENT)) {
            Node base = Trees.baselineNode(
                    new long[] {2, 4},
                    new long[] {GIB},
                    r -> r.child(Node.builder("devices")
                            .child(Node.builder("eth0")
                                    .string("device-type", "pci")
                                    .string("pci-id", "0000:01:00.0")
                                    .u32("vendor-id", 0x8086)
                                    .u32("device-id", 0x1533)
                                    .build())
                            .child(Node.builder("uart")
                                    .string("device-type", "platform")
                                    .string("device-name", "serial8250")
                                    .build())
                            .build()));
            base = base.withChild(Node.builder("aliases")
                    .string("enp1s0", "/resources/devices/eth0")
                    .build());
            k.write(MK + "/device_tree", Trees.blob(base));
            DeviceTree t = dtb(k, MK + "/device_tree");
            assertThat(t.find("/aliases")
                            .orElseThrow()
                            .property("enp1s0")
                            .orElseThrow()
                            .asString())
                    .isEqualTo("/pci@1/pci@0,0");
            Node bridge = t.find("/pci@1").orElseThrow();
            assertThat(bridge.property("compatible").orElseThrow().asString()).isEqualTo("multikernel,pci-host-bridge");
            Node leaf = t.find("/pci@1/pci@0,0").orElseThrow();
            assertThat(leaf.property("vendor-id").orElseThrow().asU32()).isEqualTo(0x8086);
            assertThat(leaf.property("reg").orElseThrow().asU32Cells()[0]).isEqualTo(1 << 16);
            assertThat(t.find("/resources/devices/serial8250")
                            .orElseThrow()
                            .property("device-type")
                            .orElseThrow()
                            .asString())
                    .isEqualTo("platform");
        }
    }

    @Test
    @DisplayName("§2 the pool read-back decompiles with the real dtc")
    void dtcReadsPool() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            Path f = dir.resolve("pool.dtb");
            java.nio.file.Files.write(f, k.read(MK + "/device_tree"));
            Process p = new ProcessBuilder("dtc", "-I", "dtb", "-O", "dts", f.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).contains("cpus-available = <0x00 0x02");
        }
    }
}
