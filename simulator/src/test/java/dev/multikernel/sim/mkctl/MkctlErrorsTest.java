package dev.multikernel.sim.mkctl;

import static dev.multikernel.sim.fixtures.Trees.baseline;
import static dev.multikernel.sim.fixtures.Trees.blob;
import static dev.multikernel.sim.fixtures.Trees.instanceCreate;
import static dev.multikernel.sim.fixtures.Trees.overlay;
import static dev.multikernel.sim.fixtures.Trees.overlayNode;
import static dev.multikernel.sim.fixtures.Trees.v2Instance;
import static dev.multikernel.sim.fixtures.Trees.v2Tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multikernel.sim.fixtures.KernelImages;
import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.kernel.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error path of every subcommand, in sim mode: the errno the kernel model returns arrives
 * in mkctl's error object with the documented kind and exit code.
 */
class MkctlErrorsTest {
    static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private SimHost h;
    private Path image;

    /** Current tree, mounted, baseline CPUs 2,4,6,16 + 2 GiB, instance web (id 1, CPU 4) ready. */
    @BeforeEach
    void setUp() throws Exception {
        image = KernelImages.validImage(dir);
        h = SimHost.start(dir, InterfaceGeneration.CURRENT);
        h.mkctl("mount").ok();
        h.mkctl(baseline(new long[] {2, 4, 6, 16}, 2 * GIB), "baseline").ok();
        h.mkctl(overlay("/instances", instanceCreate("web", 1, GIB, 4)), "overlay-apply")
                .ok();
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private JsonNode osError(SimHost.Result r, String errno, String call) {
        JsonNode e = r.error(1);
        assertThat(e.get("kind").asText()).isEqualTo("os");
        assertThat(e.get("errno").asText()).isEqualTo(errno);
        assertThat(e.get("errno_number").asInt()).isEqualTo(Errno.valueOf(errno).number());
        assertThat(e.get("call").asText()).isEqualTo(call);
        assertThat(e.get("message").asText()).isNotBlank();
        return e;
    }

    private String status(String name) {
        JsonNode i = SimHost.instance(h.state(), name);
        return i == null ? null : i.get("status").asText();
    }

    private void loadAndExec() {
        h.mkctl("load", "--id", "1", "--kernel", image.toString()).ok();
        h.mkctl("exec", "--id", "1").ok();
    }

    // ------------------------------------------------------------ baseline

    @Test
    void secondBaselineIsEbusy() throws Exception {
        osError(h.mkctl(baseline(new long[] {2}, GIB), "baseline"), "EBUSY", "write");
    }

    @Test
    void garbageBaselineIsEinval() throws Exception {
        try (SimHost fresh =
                SimHost.start(Files.createDirectories(dir.resolve("fresh")), InterfaceGeneration.CURRENT)) {
            fresh.mkctl("mount").ok();
            JsonNode e = osError(fresh.mkctl("not a device tree".getBytes(), "baseline"), "EINVAL", "write");
            assertThat(e.get("path").asText()).isEqualTo("/sys/fs/multikernel/device_tree");
        }
    }

    @Test
    void baselineAboveTheAtomicWriteLengthIsE2big() throws Exception {
        osError(h.mkctl(new byte[(1 << 20) + 1], "baseline"), "E2BIG", "write");
    }

    @Test
    void baselineBeforeMountIsEnoent() throws Exception {
        try (SimHost fresh =
                SimHost.start(Files.createDirectories(dir.resolve("fresh")), InterfaceGeneration.CURRENT)) {
            osError(fresh.mkctl(baseline(new long[] {2}, GIB), "baseline"), "ENOENT", "write");
        }
    }

    @Test
    void baselineWithACpuTheHostLacksIsEnodev() throws Exception {
        try (SimHost fresh =
                SimHost.start(Files.createDirectories(dir.resolve("fresh")), InterfaceGeneration.CURRENT)) {
            fresh.mkctl("mount").ok();
            osError(fresh.mkctl(baseline(new long[] {2, 999}, GIB), "baseline"), "ENODEV", "write");
        }
    }

    // ------------------------------------------------------------ RFC v2 create: errors only logged

    @Test
    void v2InstancesTheKernelSkippedAreNotApplied() throws Exception {
        try (SimHost v2 = SimHost.start(Files.createDirectories(dir.resolve("v2")), InterfaceGeneration.RFC_V2)) {
            v2.mkctl("mount").ok();
            v2.mkctl(v2Tree(v2Instance("web", 1, 1 << 28, 2)), "v2-create", "--expect", "web")
                    .ok();
            // duplicate id (ENOSPC in the log): the write succeeds, the instance does not appear
            JsonNode e = v2.mkctl(v2Tree(v2Instance("db", 1, 1 << 28, 3)), "v2-create", "--expect", "db")
                    .error(5);
            assertThat(e.get("kind").asText()).isEqualTo("not_applied");
            assertThat(e.get("instance_status").isNull()).isTrue();
            // more memory than the 4 GiB pool can give (ENOMEM in the log)
            e = v2.mkctl(
                            v2Tree(v2Instance("big", 2, 0xFFFFF000, 3), v2Instance("ok", 3, 1 << 28, 5)),
                            "v2-create",
                            "--expect",
                            "ok",
                            "--expect",
                            "big")
                    .error(5);
            assertThat(e.get("message").asText()).contains("'big'");
            assertThat(v2.kernel.kernelLog()).anySatisfy(l -> assertThat(l).contains("Failed to create instance"));
            // without --expect the caller sees what exists and decides
            JsonNode r = v2.mkctl(v2Tree(v2Instance("db", 1, 1 << 28, 3)), "v2-create")
                    .ok();
            List<String> names = new java.util.ArrayList<>();
            r.get("instances").forEach(i -> names.add(i.get("name").asText()));
            assertThat(names).containsExactly("ok", "web");
        }
    }

    // ------------------------------------------------------------ overlays

    @Test
    void failedTransactionIsReportedWithItsIdAndCanBeRemoved() throws Exception {
        h.kernel.faults().failNext(Operation.OVERLAY_APPLY, "/instances", Errno.ENOMEM, 1);
        JsonNode e = h.mkctl(overlay("/instances", instanceCreate("db", 2, GIB / 2, 6)), "overlay-apply")
                .error(5);
        assertThat(e.get("kind").asText()).isEqualTo("not_applied");
        assertThat(e.get("errno").isNull()).isTrue();
        long tx = e.get("transaction_id").asLong();
        assertThat(e.get("transaction_status").asText()).isEqualTo("failed");
        assertThat(e.get("path").asText()).isEqualTo("/sys/fs/multikernel/overlays/tx_" + tx);
        assertThat(e.get("message").asText()).contains("overlay-remove --id " + tx);
        JsonNode s = h.state();
        assertThat(s.get("overlays")).anySatisfy(o -> {
            assertThat(o.get("id").asLong()).isEqualTo(tx);
            assertThat(o.get("status").asText()).isEqualTo("failed");
        });
        assertThat(SimHost.instance(s, "db")).isNull();
        assertThat(h.mkctl("overlay-remove", "--id", Long.toString(tx))
                        .ok()
                        .get("removed")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void overlayOnAnOccupiedCpuFails() throws Exception {
        SimHost.Result r = h.mkctl(overlay("/instances", instanceCreate("db", 2, GIB / 2, 4)), "overlay-apply");
        assertThat(r.exitCode()).isIn(1, 5);
        JsonNode e = r.error(r.exitCode());
        if (r.exitCode() == 5) {
            assertThat(e.get("transaction_status").asText()).isEqualTo("failed");
        } else {
            assertThat(e.get("errno").asText()).isEqualTo("EBUSY");
        }
        assertThat(status("db")).isNull();
    }

    @Test
    void overlayWithoutFragmentsEndsInAFailedTransaction() throws Exception {
        // the write() succeeds; the kernel records the failure in the transaction (reference §7)
        JsonNode e = h.mkctl(blob(overlayNode(List.of())), "overlay-apply").error(5);
        assertThat(e.get("kind").asText()).isEqualTo("not_applied");
        assertThat(e.get("transaction_status").asText()).isEqualTo("failed");
        assertThat(e.has("transaction_id")).isTrue();
    }

    @Test
    void overlayAboveOnePageIsRejected() throws Exception {
        SimHost.Result r = h.mkctl(new byte[8192], "overlay-apply");
        JsonNode e = r.error(r.exitCode());
        assertThat(r.exitCode()).isIn(1, 5);
        if (r.exitCode() == 1) {
            assertThat(e.get("errno").asText()).isEqualTo("EINVAL");
        }
    }

    @Test
    void overlayAboveOneMibIsEfbig() throws Exception {
        SimHost.Result r = h.mkctl(new byte[(1 << 20) + 1], "overlay-apply");
        JsonNode e = r.error(r.exitCode());
        assertThat(e.get("errno").asText()).isEqualTo("EFBIG");
    }

    @Test
    void removingAnUnknownTransactionIsEnoent() throws Exception {
        JsonNode e = osError(h.mkctl("overlay-remove", "--id", "999"), "ENOENT", "rmdir");
        assertThat(e.get("transaction_id").asInt()).isEqualTo(999);
        assertThat(e.has("transaction_status")).isFalse();
    }

    @Test
    void rollingBackTheCreateOfARunningInstanceIsRefused() throws Exception {
        long tx = h.state().get("overlays").get(0).get("id").asLong();
        loadAndExec();
        SimHost.Result r = h.mkctl("overlay-remove", "--id", Long.toString(tx));
        JsonNode e = r.error(1);
        assertThat(e.get("errno").asText()).isEqualTo("EBUSY");
        assertThat(e.get("transaction_id").asLong()).isEqualTo(tx);
        assertThat(e.get("transaction_status").asText()).isNotEmpty();
        assertThat(status("web")).isEqualTo("active");
    }

    // ------------------------------------------------------------ load / unload

    @Test
    void loadOfAnUnknownIdIsEnoent() {
        JsonNode e = osError(h.mkctl("load", "--id", "5", "--kernel", image.toString()), "ENOENT", "kexec_file_load");
        assertThat(e.get("instance_status").isNull()).isTrue();
    }

    @Test
    void loadTwiceIsEbusy() {
        h.mkctl("load", "--id", "1", "--kernel", image.toString()).ok();
        JsonNode e = osError(h.mkctl("load", "--id", "1", "--kernel", image.toString()), "EBUSY", "kexec_file_load");
        assertThat(e.get("instance_status").asText()).isEqualTo("loaded");
    }

    @Test
    void loadOfSomethingThatIsNotAKernelIsEnoexec() throws Exception {
        Path junk = Files.write(dir.resolve("junk"), new byte[4096]);
        osError(h.mkctl("load", "--id", "1", "--kernel", junk.toString()), "ENOEXEC", "kexec_file_load");
        assertThat(status("web")).isEqualTo("ready");
    }

    @Test
    void loadOfAMissingFileFailsLocallyAsInRealMode() {
        JsonNode e = osError(
                h.mkctl("load", "--id", "1", "--kernel", dir.resolve("nope").toString()), "ENOENT", "open");
        assertThat(e.get("path").asText()).isEqualTo(dir.resolve("nope").toString());
    }

    @Test
    void injectedLoadFaultIsReported() {
        h.kernel.faults().failNext(Operation.KEXEC_FILE_LOAD, "*", Errno.EPERM, 1);
        osError(h.mkctl("load", "--id", "1", "--kernel", image.toString()), "EPERM", "kexec_file_load");
    }

    @Test
    void relativeKernelPathIsSentAbsolute() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("images"));
        Files.copy(image, sub.resolve("vmlinuz"));
        JsonNode r = h.mkctlIn(
                        sub, new byte[0], java.util.Map.of(), List.of("load", "--id", "1", "--kernel", "vmlinuz"))
                .ok();
        // the server answers BAD (exit 6) to a relative path: success means mkctl sent an absolute one
        assertThat(r.get("status").asText()).isEqualTo("loaded");
    }

    @Test
    void unloadOfARunningInstanceIsEbusy() {
        loadAndExec();
        JsonNode e = osError(h.mkctl("unload", "--id", "1"), "EBUSY", "kexec_file_load");
        assertThat(e.get("instance_status").asText()).isEqualTo("active");
    }

    @Test
    void unloadOfAnUnknownIdIsEnoent() {
        osError(h.mkctl("unload", "--id", "9"), "ENOENT", "kexec_file_load");
    }

    // ------------------------------------------------------------ exec

    @Test
    void execWithoutAnImageIsEinval() {
        JsonNode e = osError(h.mkctl("exec", "--id", "1"), "EINVAL", "reboot");
        assertThat(e.get("instance_status").asText()).isEqualTo("ready");
    }

    @Test
    void execTwiceIsEbusy() {
        loadAndExec();
        osError(h.mkctl("exec", "--id", "1"), "EBUSY", "reboot");
    }

    @Test
    void injectedRebootFaultIsReported() {
        h.mkctl("load", "--id", "1", "--kernel", image.toString()).ok();
        h.kernel.faults().failNext(Operation.REBOOT, "4d4b4c49", Errno.EFAULT, 1);
        osError(h.mkctl("exec", "--id", "1"), "EFAULT", "reboot");
        assertThat(status("web")).isEqualTo("loaded");
    }

    // ------------------------------------------------------------ halt

    @Test
    void haltOfAnInstanceThatIsNotActiveIsEinval() {
        osError(h.mkctl("halt", "--id", "1"), "EINVAL", "reboot");
    }

    @Test
    void haltOfAnUnknownIdIsEnoent() {
        osError(h.mkctl("halt", "--id", "8"), "ENOENT", "reboot");
    }

    @Test
    void haltTimeoutWithoutForceIsExit4() {
        loadAndExec();
        h.kernel.faults().haltTimesOut(true);
        JsonNode e = h.mkctl("halt", "--id", "1").error(4);
        assertThat(e.get("kind").asText()).isEqualTo("halt_timeout");
        assertThat(e.get("errno").asText()).isEqualTo("ETIMEDOUT");
        assertThat(e.get("instance_status").asText()).isEqualTo("active");
    }

    @Test
    void haltTimeoutWithForceForceHalts() {
        loadAndExec();
        h.kernel.faults().haltTimesOut(true);
        JsonNode r = h.mkctl("halt", "--id", "1", "--force").ok();
        assertThat(r.get("mode").asText()).isEqualTo("force");
        assertThat(r.get("status").asText()).isEqualTo("loaded");
    }

    @Test
    void haltThatCannotQuiesceLeavesTheInstanceFailed() {
        loadAndExec();
        h.kernel.faults().haltCannotQuiesce(true);
        JsonNode e = h.mkctl("halt", "--id", "1").error(5);
        assertThat(e.get("kind").asText()).isEqualTo("not_applied");
        assertThat(e.get("instance_status").asText()).isEqualTo("failed");
        assertThat(status("web")).isEqualTo("failed");
    }

    @Test
    void forceNowHaltsALoadedInstance() {
        h.mkctl("load", "--id", "1", "--kernel", image.toString()).ok();
        JsonNode r = h.mkctl("halt", "--id", "1", "--force-now").ok();
        assertThat(r.get("mode").asText()).isEqualTo("force");
        assertThat(r.get("status").asText()).isEqualTo("loaded");
    }

    // ------------------------------------------------------------ mount, state, transport

    @Test
    void injectedMountFaultIsReported() throws Exception {
        try (SimHost fresh =
                SimHost.start(Files.createDirectories(dir.resolve("fresh")), InterfaceGeneration.CURRENT)) {
            fresh.kernel.faults().failNext(Operation.MOUNT, "*", Errno.EPERM, 1);
            osError(fresh.mkctl("mount"), "EPERM", "mount");
            assertThat(fresh.mkctl("mount").ok().get("mounted").asBoolean()).isTrue();
        }
    }

    @Test
    void stateFailsWhenARequiredReadFails() {
        h.kernel.faults().failNext(Operation.READ, "/proc/sys/kernel/random/boot_id", Errno.EIO, 1);
        JsonNode e = osError(h.mkctl("state"), "EIO", "read");
        assertThat(e.get("path").asText()).isEqualTo("/proc/sys/kernel/random/boot_id");
        h.kernel.faults().failNext(Operation.LIST, "/sys/fs/multikernel/instances", Errno.ENOMEM, 1);
        osError(h.mkctl("state"), "ENOMEM", "readdir");
        h.kernel.faults().failNext(Operation.READ, "/sys/fs/multikernel/instances/web/device_tree", Errno.EIO, 1);
        osError(h.mkctl("state"), "EIO", "read");
        assertThat(h.state().get("instances")).hasSize(1);
    }

    @Test
    void optionalProcFilesOnlyWarn() {
        h.kernel.faults().failNext(Operation.READ, "/proc/iomem", Errno.EACCES, 1);
        JsonNode s = h.state();
        assertThat(s.get("iomem").isNull()).isTrue();
        assertThat(s.get("warnings")).anySatisfy(w -> assertThat(w.asText()).contains("/proc/iomem"));
    }

    @Test
    void simulatorGoneIsASimErrorNeverRealMode() {
        h.server.close();
        JsonNode e = h.mkctl("state").error(6);
        assertThat(e.get("kind").asText()).isEqualTo("sim");
        assertThat(e.get("message").asText()).contains(h.server.socketPath().toString());
    }

    @Test
    void defaultLockFileSitsNextToTheSocket() {
        assertThat(h.server.socketPath().resolveSibling("mk.sock.lock")).exists();
    }
}
