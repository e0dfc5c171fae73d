package dev.multikernel.host.mkctl.native_;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blob writers and rmdir commands against a directory tree. A plain directory cannot
 * create overlay transactions, so the success path of overlay-apply is covered in sim mode
 * (simulator module); here: the exact bytes written, and every failure path.
 */
class MkctlWriteTest {
    @TempDir
    Path tmp;

    private static final byte[] BLOB = blob(300);

    private static byte[] blob(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void baselineWritesTheBlobAndReadsThePoolBack() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(true, new byte[0]);
        Map<String, Object> r = Mkctl.run(h.args("baseline"), BLOB).ok();
        assertThat(Files.readAllBytes(h.mk().resolve("device_tree"))).containsExactly(BLOB);
        assertThat(r)
                .containsExactly(
                        Map.entry("operation", "baseline"),
                        Map.entry("bytes", 300L),
                        Map.entry(
                                "pool",
                                Map.of("device_tree", Base64.getEncoder().encodeToString(BLOB))),
                        Map.entry("warnings", List.of()));
    }

    @Test
    void baselineOfALargeBlobIsOneWrite() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(true, new byte[0]);
        byte[] big = blob(1 << 20);
        Strace.Traced t = Strace.injectingSuccess().observe("write").run(tmp, h.args("baseline"), big);
        t.result().ok();
        assertThat(Files.readAllBytes(h.mk().resolve("device_tree"))).isEqualTo(big);
        String target = h.mk().resolve("device_tree").toString();
        assertThat(t.calls("write"))
                .filteredOn(c -> Strace.fdPath(c.args().get(0)).equals(target))
                .singleElement()
                .satisfies(c -> assertThat(c.args().get(2)).isEqualTo(String.valueOf(1 << 20)))
                .satisfies(c -> assertThat(c.result()).isEqualTo(String.valueOf(1 << 20)));
    }

    @Test
    void baselineOnAHostWithoutMultikernelFails() throws Exception {
        FakeHost h = FakeHost.create(tmp);
        Map<String, Object> e = Mkctl.run(h.args("baseline"), BLOB).error(1);
        assertThat(e)
                .containsEntry("operation", "baseline")
                .containsEntry("errno", "ENOENT")
                .containsEntry("call", "open")
                .containsEntry("path", h.mk().resolve("device_tree").toString());
    }

    @Test
    void overlayApplyWritesOnceToNewAndReportsAMissingTransaction() throws Exception {
        FakeHost h = FakeHost.create(tmp)
                .currentTree(true, new byte[0])
                .transaction(2, "applied", "/instances/web", "unknown", BLOB);
        Map<String, Object> e = Mkctl.run(h.args("overlay-apply"), BLOB).error(5);
        assertThat(Files.readAllBytes(h.mk().resolve("overlays/new"))).containsExactly(BLOB);
        assertThat(e)
                .containsEntry("operation", "overlay-apply")
                .containsEntry("kind", "not_applied")
                .containsEntry("errno", null)
                .containsEntry("path", h.mk().resolve("overlays").toString())
                .doesNotContainKey("transaction_id");
        assertThat((String) e.get("message")).contains("no new transaction appeared");
    }

    @Test
    void overlayApplyOnAnRfcV2HostFailsWithEnoent() throws Exception {
        FakeHost h = FakeHost.create(tmp).v2Tree(true);
        Map<String, Object> e = Mkctl.run(h.args("overlay-apply"), BLOB).error(1);
        assertThat(e)
                .containsEntry("errno", "ENOENT")
                .containsEntry("call", "open")
                .containsEntry("path", h.mk().resolve("overlays").toString());
    }

    @Test
    void overlayRemoveRemovesTheTransactionDirectory() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(true, new byte[0]).dir("sys/fs/multikernel/overlays/tx_9");
        Map<String, Object> r =
                Mkctl.run(h.args("overlay-remove", "--id", "9"), new byte[0]).ok();
        assertThat(r)
                .containsExactly(
                        Map.entry("operation", "overlay-remove"), Map.entry("id", 9L), Map.entry("removed", true));
        assertThat(h.mk().resolve("overlays/tx_9")).doesNotExist();
    }

    @Test
    void overlayRemoveFailureCarriesTheTransactionAndItsStatus() throws Exception {
        // a directory holding files cannot be removed: the stand-in for a rollback the kernel refused
        FakeHost h = FakeHost.create(tmp)
                .currentTree(true, new byte[0])
                .transaction(4, "failed", "/instances/web", "unknown", BLOB);
        Map<String, Object> e =
                Mkctl.run(h.args("overlay-remove", "--id", "4"), new byte[0]).error(1);
        assertThat(e)
                .containsEntry("kind", "os")
                .containsEntry("errno", "ENOTEMPTY")
                .containsEntry("call", "rmdir")
                .containsEntry("path", h.mk().resolve("overlays/tx_4").toString())
                .containsEntry("transaction_id", 4L)
                .containsEntry("transaction_status", "failed");
    }

    @Test
    void overlayRemoveOfAnUnknownTransaction() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(true, new byte[0]);
        Map<String, Object> e =
                Mkctl.run(h.args("overlay-remove", "--id", "77"), new byte[0]).error(1);
        assertThat(e)
                .containsEntry("errno", "ENOENT")
                .containsEntry("transaction_id", 77L)
                .doesNotContainKey("transaction_status");
    }

    @Test
    void v2CreateChecksEveryExpectedInstanceIsReady() throws Exception {
        FakeHost h = FakeHost.create(tmp)
                .v2Tree(true)
                .instanceV2("web", 1, "ready", "x")
                .instanceV2("db", 2, "ready", "y");
        Map<String, Object> r = Mkctl.run(h.args("v2-create", "--expect", "web", "--expect", "db"), BLOB)
                .ok();
        assertThat(Files.readAllBytes(h.mk().resolve("device_tree"))).containsExactly(BLOB);
        assertThat(r)
                .containsExactly(
                        Map.entry("operation", "v2-create"),
                        Map.entry("bytes", 300L),
                        Map.entry(
                                "instances",
                                List.of(
                                        Map.of("name", "db", "id", 2L, "status", "ready"),
                                        Map.of("name", "web", "id", 1L, "status", "ready"))),
                        Map.entry("warnings", List.of()));
    }

    @Test
    void v2CreateWithAMissingInstanceIsNotApplied() throws Exception {
        FakeHost h = FakeHost.create(tmp).v2Tree(true).instanceV2("web", 1, "ready", "x");
        Map<String, Object> e =
                Mkctl.run(h.args("v2-create", "--expect", "db"), BLOB).error(5);
        assertThat(e)
                .containsEntry("operation", "v2-create")
                .containsEntry("kind", "not_applied")
                .containsEntry("instance_status", null)
                .containsEntry("path", h.mk().resolve("instances/db").toString());
        assertThat((String) e.get("message")).contains("'db' was not created");
    }

    @Test
    void v2CreateWithAnInstanceNotReadyIsNotApplied() throws Exception {
        FakeHost h = FakeHost.create(tmp).v2Tree(true).instanceV2("web", 1, "failed", "x");
        Map<String, Object> e =
                Mkctl.run(h.args("v2-create", "--expect", "web"), BLOB).error(5);
        assertThat(e).containsEntry("instance_status", "failed");
    }

    @Test
    void v2RemoveRemovesTheInstanceDirectory() throws Exception {
        FakeHost h = FakeHost.create(tmp).v2Tree(true).dir("sys/fs/multikernel/instances/web");
        Map<String, Object> r =
                Mkctl.run(h.args("v2-remove", "--name", "web"), new byte[0]).ok();
        assertThat(r)
                .containsExactly(
                        Map.entry("operation", "v2-remove"), Map.entry("name", "web"), Map.entry("removed", true));
        assertThat(h.mk().resolve("instances/web")).doesNotExist();
    }

    @Test
    void v2RemoveFailureReportsTheInstanceStatus() throws Exception {
        FakeHost h = FakeHost.create(tmp).v2Tree(true).instanceV2("web", 1, "active", "x");
        Map<String, Object> e =
                Mkctl.run(h.args("v2-remove", "--name", "web"), new byte[0]).error(1);
        assertThat(e)
                .containsEntry("call", "rmdir")
                .containsEntry("errno", "ENOTEMPTY")
                .containsEntry("instance_status", "active");
    }
}
