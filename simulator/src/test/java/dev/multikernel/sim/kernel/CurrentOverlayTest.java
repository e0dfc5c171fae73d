package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.fixtures.Trees.*;
import static dev.multikernel.sim.kernel.Sim.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Node;
import dev.multikernel.sim.fixtures.KernelImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reference §1 "Current tree" (overlays, rmdir, instance id/name, states), §2 "Overlay (DTBO) format", §7 caveats. */
@DisplayName("§1/§2/§7 current tree: overlay transactions")
class CurrentOverlayTest {
    @TempDir
    Path dir;

    private static final String OV = MK + "/overlays";

    private static byte[] createWeb() {
        return overlay("/instances", instanceCreate("web", 1, GIB, 2, 4));
    }

    @Test
    @DisplayName("§7.1 the first transaction is tx_2; its files show id, status, instance, resources, dtbo")
    void transactionFiles() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            assertThat(k.list(OV)).containsExactly("new");
            byte[] dtbo = blob(overlayNode(List.of(fragment(0, "/instances", instanceCreate("web", 1, GIB, 2, 4))))
                    .withProperty(dev.multikernel.host.devicetree.Property.string("mk,resources", "tf:web")));
            String tx = applyOverlay(k, dtbo);
            assertThat(tx).isEqualTo("tx_2");
            assertThat(k.list(OV + "/tx_2")).containsExactlyInAnyOrder("id", "status", "instance", "resources", "dtbo");
            assertThat(text(k, OV + "/tx_2/id")).isEqualTo("2\n");
            assertThat(text(k, OV + "/tx_2/status")).isEqualTo("applied\n");
            assertThat(text(k, OV + "/tx_2/instance")).isEqualTo("/instances\n");
            assertThat(text(k, OV + "/tx_2/resources")).isEqualTo("tf:web\n");
            assertThat(k.read(OV + "/tx_2/dtbo")).isEqualTo(dtbo);
            assertThat(applyOverlay(k, overlay("/instances", instanceCreate("db", -1, 0, 6))))
                    .isEqualTo("tx_3");
            assertThat(text(k, OV + "/tx_3/resources")).isEqualTo("unknown\n");
        }
    }

    @Test
    @DisplayName("§1 instance-create: instance appears with id and status ready; resources leave cpus-available")
    void instanceCreateMakesReadyInstance() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            applyOverlay(k, createWeb());
            assertThat(k.list(MK + "/instances")).containsExactly("web");
            assertThat(k.list(MK + "/instances/web")).containsExactlyInAnyOrder("id", "status", "device_tree");
            assertThat(text(k, MK + "/instances/web/id")).isEqualTo("1\n");
            assertThat(text(k, MK + "/instances/web/status")).isEqualTo("ready\n");
            Node res = dtb(k, MK + "/device_tree").find("/resources").orElseThrow();
            assertThat(res.property("cpus").orElseThrow().asU64List()).containsExactly(2L, 4L, 6L, 16L, 18L);
            assertThat(res.property("cpus-available").orElseThrow().asU64List()).containsExactly(6L, 16L, 18L);
            Node inst = dtb(k, MK + "/instances/web/device_tree").root();
            assertThat(inst.property("model").orElseThrow().asString()).isEqualTo("web");
            assertThat(inst.property("id").orElseThrow().asU32()).isEqualTo(1);
            Node ir = inst.child("resources").orElseThrow();
            assertThat(ir.property("memory-bytes").orElseThrow().asU64()).isEqualTo(GIB);
            assertThat(ir.property("cpus").orElseThrow().asU64List()).containsExactly(2L, 4L);
            long base = ir.property("memory-base").orElseThrow().asU64();
            assertThat(text(k, "/proc/iomem"))
                    .contains(String.format("    %08x-%08x : mk-instance-1-web-region-0\n", base, base + GIB - 1));
        }
    }

    @Test
    @DisplayName("§1 instance id: absent -> lowest free from 1; id 0 reserved (ENOMEM, tx failed); duplicates EEXIST")
    void instanceIds() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            applyOverlay(k, overlay("/instances", instanceCreate("a", 2, 0, 2)));
            applyOverlay(k, overlay("/instances", instanceCreate("b", -1, 0, 4)));
            assertThat(text(k, MK + "/instances/b/id")).isEqualTo("1\n");
            applyOverlay(k, overlay("/instances", instanceCreate("c", -1, 0, 6)));
            assertThat(text(k, MK + "/instances/c/id")).isEqualTo("3\n");
            String zero = applyOverlay(k, overlay("/instances", instanceCreate("z", 0, 0, 16)));
            assertThat(txStatus(k, zero)).isEqualTo("failed");
            String dupId = applyOverlay(k, overlay("/instances", instanceCreate("d", 2, 0, 16)));
            assertThat(txStatus(k, dupId)).isEqualTo("failed");
            String dupName = applyOverlay(k, overlay("/instances", instanceCreate("a", 9, 0, 16)));
            assertThat(txStatus(k, dupName)).isEqualTo("failed");
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("already exists"));
            assertThat(k.list(MK + "/instances")).containsExactlyInAnyOrder("a", "b", "c");
        }
    }

    @Test
    @DisplayName("§1 instance name must be non-empty without '/': tx failed")
    void instanceNames() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances", instanceCreate("", 1, 0, 2)))))
                    .isEqualTo("failed");
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances", instanceCreate("a/b", 1, 0, 2)))))
                    .isEqualTo("failed");
            assertThat(k.list(MK + "/instances")).isEmpty();
        }
    }

    @Test
    @DisplayName("§7.1 write() succeeds but the transaction failed: CPU not free in the pool (EBUSY inside)")
    void writeSucceedsTransactionFails() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            applyOverlay(k, createWeb());
            String tx = applyOverlay(k, overlay("/instances", instanceCreate("db", 2, GIB, 4, 6)));
            assertThat(txStatus(k, tx)).isEqualTo("failed");
            assertThat(k.list(MK + "/instances")).containsExactly("web");
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("CPU 4 not available in the pool"));
            // a CPU the host never put into the pool is equally unavailable
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances", instanceCreate("x", 3, 0, 20)))))
                    .isEqualTo("failed");
        }
    }

    @Test
    @DisplayName(
            "§2 targets: /resources without a baseline (EPERM), unknown instance (ENOENT), other paths (EINVAL) -> failed")
    void targets() throws Exception {
        try (KernelModel k = mounted(dir, InterfaceGeneration.CURRENT)) {
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", poolMemoryAdd(GIB, 0)))))
                    .isEqualTo("failed");
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("manages no pool"));
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances/ghost", cpus("cpu-add", 2)))))
                    .isEqualTo("failed");
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("instance 'ghost' not found"));
            assertThat(txStatus(k, applyOverlay(k, overlay("/chosen", cpus("cpu-add", 2)))))
                    .isEqualTo("failed");
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances/a/b", cpus("cpu-add", 2)))))
                    .isEqualTo("failed");
            String noTarget = applyOverlay(
                    k,
                    blob(Node.builder("")
                            .child(Node.builder("fragment@0")
                                    .child(Node.empty("__overlay__"))
                                    .build())
                            .build()));
            assertThat(txStatus(k, noTarget)).isEqualTo("failed");
            assertThat(text(k, OV + "/" + noTarget + "/instance")).isEqualTo("unknown\n");
        }
    }

    @Test
    @DisplayName("§2 a DTBO without fragment@ nodes, or with a bad unit address, gives a failed tx")
    void noFragments() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            String tx = applyOverlay(
                    k, blob(Node.builder("").child(Node.empty("something")).build()));
            assertThat(txStatus(k, tx)).isEqualTo("failed");
            String bad = applyOverlay(
                    k,
                    blob(Node.builder("")
                            .child(Node.builder("fragment@zz")
                                    .string("target-path", "/instances")
                                    .child(Node.empty("__overlay__"))
                                    .build())
                            .build()));
            assertThat(txStatus(k, bad)).isEqualTo("failed");
            String noOverlayNode = applyOverlay(
                    k,
                    blob(Node.builder("")
                            .child(Node.builder("fragment@0")
                                    .string("target-path", "/instances")
                                    .build())
                            .build()));
            assertThat(txStatus(k, noOverlayNode)).isEqualTo("failed");
        }
    }

    @Test
    @DisplayName(
            "§7.3 overlays/new: >1 MiB EFBIG, >1 page EINVAL (kernfs cuts), offset!=0 EINVAL, empty EINVAL, bad header EINVAL; no tx")
    void newFileLimits() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            assertThat(errnoOf(() -> k.write(OV + "/new", new byte[(1 << 20) + 1])))
                    .isEqualTo(Errno.EFBIG);
            byte[] big = blob(overlayNode(List.of(fragment(0, "/instances", instanceCreate("web", 1, GIB, 2))))
                    .withProperty(dev.multikernel.host.devicetree.Property.bytes("padding", new byte[5000])));
            assertThat(errnoOf(() -> k.write(OV + "/new", big))).isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.write(OV + "/new", 1, createWeb()))).isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.write(OV + "/new", new byte[0]))).isEqualTo(Errno.EINVAL);
            assertThat(errnoOf(() -> k.write(OV + "/new", "garbage garbage garbage garbage garbage".getBytes())))
                    .isEqualTo(Errno.EINVAL);
            assertThat(k.list(OV)).containsExactly("new");
            assertThat(errnoOf(() -> k.read(OV + "/new"))).isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    @DisplayName("§1 rmdir: only overlays/tx_* (rollback); instances and other directories EPERM")
    void rmdirRules() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            String tx = applyOverlay(k, createWeb());
            assertThat(errnoOf(() -> k.rmdir(MK + "/instances/web"))).isEqualTo(Errno.EPERM);
            assertThat(errnoOf(() -> k.rmdir(OV))).isEqualTo(Errno.EPERM);
            assertThat(errnoOf(() -> k.rmdir(OV + "/tx_99"))).isEqualTo(Errno.ENOENT);
            k.rmdir(OV + "/" + tx);
            assertThat(k.list(OV)).containsExactly("new");
            assertThat(k.list(MK + "/instances")).isEmpty();
            Node res = dtb(k, MK + "/device_tree").find("/resources").orElseThrow();
            assertThat(res.property("cpus-available").orElseThrow().asU64List()).containsExactly(2L, 4L, 6L, 16L, 18L);
            assertThat(text(k, "/proc/iomem")).doesNotContain("mk-instance");
        }
    }

    @Test
    @DisplayName("§7.2 no automatic rollback of a partly applied transaction; rmdir of the failed tx undoes it")
    void partialApplyStays() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            Node frags = overlayNode(List.of(
                    fragment(0, "/instances", instanceCreate("web", 1, GIB, 2)),
                    fragment(1, "/instances/web", cpus("cpu-add", 4, 2))));
            String tx = applyOverlay(k, blob(frags));
            assertThat(txStatus(k, tx)).isEqualTo("failed");
            assertThat(k.list(MK + "/instances")).containsExactly("web");
            Node ir =
                    dtb(k, MK + "/instances/web/device_tree").find("/resources").orElseThrow();
            assertThat(ir.property("cpus").orElseThrow().asU64List()).containsExactly(2L, 4L);
            // rollback of the step that never ran (cpu 2 was not added by this tx) still runs in reverse...
            k.rmdir(OV + "/" + tx);
            assertThat(k.list(MK + "/instances")).isEmpty();
        }
    }

    @Test
    @DisplayName("§1 rollback that fails (destroying a loaded instance: EBUSY) leaves the tx with status failed")
    void rollbackFailureKeepsTx() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            String tx = applyOverlay(k, createWeb());
            k.kexecFileLoad(
                    KernelImages.validImage(dir),
                    Optional.empty(),
                    "",
                    MultikernelAbi.KEXEC_MULTIKERNEL
                            | MultikernelAbi.kexecMkId(1)
                            | MultikernelAbi.KEXEC_FILE_NO_INITRAMFS);
            assertThat(errnoOf(() -> k.rmdir(OV + "/" + tx))).isEqualTo(Errno.EBUSY);
            assertThat(txStatus(k, tx)).isEqualTo("failed");
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("Unload it first"));
            k.kexecFileUnload(MultikernelAbi.KEXEC_MULTIKERNEL | MultikernelAbi.kexecMkId(1));
            k.rmdir(OV + "/" + tx);
            assertThat(k.list(OV)).containsExactly("new");
        }
    }

    @Test
    @DisplayName("§8(c) rolling back out of order: the later tx targets an instance that is gone (ENOENT)")
    void outOfOrderRollback() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            String create = applyOverlay(k, createWeb());
            String grow = applyOverlay(k, overlay("/instances/web", cpus("cpu-add", 6)));
            assertThat(txStatus(k, grow)).isEqualTo("applied");
            k.rmdir(OV + "/" + create);
            assertThat(errnoOf(() -> k.rmdir(OV + "/" + grow))).isEqualTo(Errno.ENOENT);
            assertThat(txStatus(k, grow)).isEqualTo("failed");
        }
    }

    @Test
    @DisplayName("§1 instance-remove overlay: refused (EBUSY) while loaded or active, frees resources when ready")
    void instanceRemove() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            applyOverlay(k, createWeb());
            k.kexecFileLoad(
                    KernelImages.validImage(dir),
                    Optional.empty(),
                    "",
                    MultikernelAbi.KEXEC_MULTIKERNEL
                            | MultikernelAbi.kexecMkId(1)
                            | MultikernelAbi.KEXEC_FILE_NO_INITRAMFS);
            assertThat(txStatus(
                            k,
                            applyOverlay(
                                    k,
                                    overlay("/instances", dev.multikernel.sim.fixtures.Trees.instanceRemove("web")))))
                    .isEqualTo("failed");
            k.reboot(
                    MultikernelAbi.LINUX_REBOOT_MAGIC1,
                    MultikernelAbi.LINUX_REBOOT_MAGIC2,
                    MultikernelAbi.LINUX_REBOOT_CMD_MULTIKERNEL,
                    1);
            assertThat(txStatus(
                            k,
                            applyOverlay(
                                    k,
                                    overlay("/instances", dev.multikernel.sim.fixtures.Trees.instanceRemove("web")))))
                    .isEqualTo("failed");
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("must be stopped first"));
            k.reboot(
                    MultikernelAbi.LINUX_REBOOT_MAGIC1,
                    MultikernelAbi.LINUX_REBOOT_MAGIC2,
                    MultikernelAbi.LINUX_REBOOT_CMD_MULTIKERNEL_HALT,
                    1);
            k.kexecFileUnload(MultikernelAbi.KEXEC_MULTIKERNEL | MultikernelAbi.kexecMkId(1));
            String rm =
                    applyOverlay(k, overlay("/instances", dev.multikernel.sim.fixtures.Trees.instanceRemove("web")));
            assertThat(txStatus(k, rm)).isEqualTo("applied");
            assertThat(k.list(MK + "/instances")).isEmpty();
            assertThat(txStatus(
                            k,
                            applyOverlay(
                                    k,
                                    overlay("/instances", dev.multikernel.sim.fixtures.Trees.instanceRemove("web")))))
                    .isEqualTo("failed");
            // rolling back an instance-remove only warns
            k.rmdir(OV + "/" + rm);
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("cannot restore removed instance 'web'"));
        }
    }

    @Test
    @DisplayName(
            "§2 operations under the wrong target are EINVAL (instance-create under /resources, cpu-add under /instances)")
    void wrongTargetKind() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", instanceCreate("web", 1, 0, 2)))))
                    .isEqualTo("failed");
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances", cpus("cpu-add", 2)))))
                    .isEqualTo("failed");
        }
    }

    @Test
    @DisplayName("§2 /resources memory-add grows the pool; reg is rejected; rollback only warns")
    void poolMemoryAddOp() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            String tx = applyOverlay(k, overlay("/resources", poolMemoryAdd(GIB, 1)));
            assertThat(txStatus(k, tx)).isEqualTo("applied");
            assertThat(dtb(k, MK + "/device_tree")
                            .find("/resources")
                            .orElseThrow()
                            .childrenNamed("memory"))
                    .hasSize(3);
            Node withReg = Node.builder("memory-add")
                    .child(Node.builder("memory@0")
                            .u64("reg", 0x300000000L, GIB)
                            .build())
                    .build();
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", withReg))))
                    .isEqualTo("failed");
            k.rmdir(MK + "/overlays/" + tx);
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("cannot release the 1024 MB the pool grew by"));
            assertThat(dtb(k, MK + "/device_tree")
                            .find("/resources")
                            .orElseThrow()
                            .childrenNamed("memory"))
                    .hasSize(3);
        }
    }

    @Test
    @DisplayName(
            "§3 /resources memory-remove: exact chunk (ENOENT otherwise), not allocated (EBUSY), regrown elsewhere on rollback")
    void poolMemoryRemoveOp() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            List<Node> chunks =
                    dtb(k, MK + "/device_tree").find("/resources").orElseThrow().childrenNamed("memory");
            long[] c0 = chunks.get(0).property("reg").orElseThrow().asU64Cells();
            long[] c1 = chunks.get(1).property("reg").orElseThrow().asU64Cells();
            assertThat(txStatus(
                            k, applyOverlay(k, overlay("/resources", memoryReg("memory-remove", c1[0], c1[1] / 2)))))
                    .isEqualTo("failed");
            applyOverlay(k, overlay("/instances", instanceCreate("web", 1, GIB, 2)));
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", memoryReg("memory-remove", c0[0], c0[1])))))
                    .isEqualTo("failed");
            assertThat(k.kernelLog()).anyMatch(l -> l.contains("still allocated"));
            String rm = applyOverlay(k, overlay("/resources", memoryReg("memory-remove", c1[0], c1[1])));
            assertThat(txStatus(k, rm)).isEqualTo("applied");
            assertThat(dtb(k, MK + "/device_tree")
                            .find("/resources")
                            .orElseThrow()
                            .childrenNamed("memory"))
                    .hasSize(1);
            k.rmdir(MK + "/overlays/" + rm);
            assertThat(dtb(k, MK + "/device_tree")
                            .find("/resources")
                            .orElseThrow()
                            .childrenNamed("memory"))
                    .hasSize(2);
        }
    }

    @Test
    @DisplayName("§2 a memory-remove that would strand parked pool CPUs is EBUSY")
    void parkArea() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            long[] c0 = dtb(k, MK + "/device_tree")
                    .find("/resources")
                    .orElseThrow()
                    .childrenNamed("memory")
                    .get(0)
                    .property("reg")
                    .orElseThrow()
                    .asU64Cells();
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", memoryReg("memory-remove", c0[0], c0[1])))))
                    .isEqualTo("failed");
            // one fragment returning every CPU first, then the chunk: the /resources order makes this work
            String tx = applyOverlay(
                    k,
                    overlay(
                            "/resources",
                            cpus("cpu-remove", 2, 4, 6, 16, 18),
                            memoryReg("memory-remove", c0[0], c0[1])));
            assertThat(txStatus(k, tx)).isEqualTo("applied");
        }
    }

    @Test
    @DisplayName("§2 /resources cpu-add, cpu-remove: lent CPUs EBUSY; reserved CPU 0 never enters the pool")
    void poolCpuOps() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", cpus("cpu-add", 20)))))
                    .isEqualTo("applied");
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", cpus("cpu-add", 0)))))
                    .isEqualTo("failed");
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", cpus("cpu-add", 3)))))
                    .isEqualTo("failed");
            applyOverlay(k, createWeb());
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", cpus("cpu-remove", 2)))))
                    .isEqualTo("failed");
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", cpus("cpu-remove", 20)))))
                    .isEqualTo("applied");
            assertThat(text(k, "/sys/devices/system/cpu/online")).isEqualTo("0,6-7\n");
        }
    }

    @Test
    @DisplayName("§2 instance cpu-add / cpu-remove / memory / device ops move resources between pool and instance")
    void instanceResourceOps() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            applyOverlay(k, overlay("/resources", devices("device-add", "0000:01:00.0")));
            applyOverlay(k, createWeb());
            assertThat(txStatus(
                            k, applyOverlay(k, overlay("/instances/web", cpus("cpu-add", 6), cpus("cpu-remove", 2)))))
                    .isEqualTo("applied");
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances/web", cpus("cpu-remove", 16)))))
                    .isEqualTo("failed");
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances/web", devices("device-add", "0000:01:00.0")))))
                    .isEqualTo("applied");
            Node inst = dtb(k, MK + "/instances/web/device_tree").root();
            assertThat(inst.child("resources")
                            .orElseThrow()
                            .property("cpus")
                            .orElseThrow()
                            .asU64List())
                    .containsExactly(4L, 6L);
            assertThat(inst.find("/pci@1/pci@0,0")).isPresent();
            assertThat(dtb(k, MK + "/device_tree").find("/pci@1")).isEmpty();
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances/web", devices("device-add", "0000:81:00.0")))))
                    .isEqualTo("failed");
            // memory: a range inside a pool chunk, not yet allocated
            long[] c1 = dtb(k, MK + "/device_tree")
                    .find("/resources")
                    .orElseThrow()
                    .childrenNamed("memory")
                    .get(1)
                    .property("reg")
                    .orElseThrow()
                    .asU64Cells();
            assertThat(txStatus(
                            k, applyOverlay(k, overlay("/instances/web", memoryReg("memory-add", c1[0], 256 * MIB)))))
                    .isEqualTo("applied");
            assertThat(dtb(k, MK + "/instances/web/device_tree")
                            .find("/resources")
                            .orElseThrow()
                            .property("memory-bytes")
                            .orElseThrow()
                            .asU64())
                    .isEqualTo(GIB + 256 * MIB);
            assertThat(txStatus(
                            k, applyOverlay(k, overlay("/instances/web", memoryReg("memory-add", 0x100000000L, MIB)))))
                    .isEqualTo("failed");
            assertThat(txStatus(
                            k,
                            applyOverlay(k, overlay("/instances/web", memoryReg("memory-remove", c1[0], 256 * MIB)))))
                    .isEqualTo("applied");
        }
    }

    @Test
    @DisplayName("§2 bad lengths: size not 8 bytes, reg not 16 bytes, numa-node-id not 4 bytes -> failed")
    void badLengths() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            Node badSize = Node.builder("memory-add")
                    .child(Node.builder("memory@0").u32("size", 4096).build())
                    .build();
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", badSize))))
                    .isEqualTo("failed");
            Node badReg = Node.builder("memory-remove")
                    .child(Node.builder("memory@0").u64("reg", 1).build())
                    .build();
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", badReg))))
                    .isEqualTo("failed");
            Node badNuma = Node.builder("memory-add")
                    .child(Node.builder("memory@0")
                            .u64("size", GIB)
                            .u64("numa-node-id", 0)
                            .build())
                    .build();
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", badNuma))))
                    .isEqualTo("failed");
            Node badCpuReg = Node.builder("cpu-add")
                    .child(Node.builder("cpu@0").bytes("reg", new byte[3]).build())
                    .build();
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", badCpuReg))))
                    .isEqualTo("failed");
            Node u32CpuReg = Node.builder("cpu-add")
                    .child(Node.builder("cpu@14").u32("reg", 20).build())
                    .build();
            assertThat(txStatus(k, applyOverlay(k, overlay("/resources", u32CpuReg))))
                    .isEqualTo("applied");
        }
    }

    @Test
    @DisplayName(
            "§2 instance-create resources: memory-bytes u64 page multiple; cpus u64; numa-nodes; ENOMEM when the pool is short")
    void createResourceRules() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            Node u32Mem = Node.builder("instance-create")
                    .string("instance-name", "a")
                    .child(Node.builder("resources")
                            .u32("memory-bytes", 1 << 30)
                            .build())
                    .build();
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances", u32Mem))))
                    .isEqualTo("failed");
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances", instanceCreate("a", 1, GIB + 1, 2)))))
                    .isEqualTo("failed");
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances", instanceCreate("a", 1, 8 * GIB, 2)))))
                    .isEqualTo("failed");
            Node noRes =
                    Node.builder("instance-create").string("instance-name", "a").build();
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances", noRes))))
                    .isEqualTo("failed");
            Node numa1 = Node.builder("instance-create")
                    .string("instance-name", "n1")
                    .u32("id", 5)
                    .child(Node.builder("resources")
                            .u64("memory-bytes", 512 * MIB)
                            .u32("numa-nodes", 1, 0)
                            .u64("cpus", 16)
                            .build())
                    .build();
            assertThat(txStatus(k, applyOverlay(k, overlay("/instances", numa1))))
                    .isEqualTo("applied");
            long base = dtb(k, MK + "/instances/n1/device_tree")
                    .find("/resources")
                    .orElseThrow()
                    .property("memory-base")
                    .orElseThrow()
                    .asU64();
            assertThat(base).isGreaterThanOrEqualTo(9 * GIB);
            assertThat(k.list(MK + "/instances")).containsExactly("n1");
        }
    }
}
