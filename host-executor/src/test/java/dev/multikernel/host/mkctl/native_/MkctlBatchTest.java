package dev.multikernel.host.mkctl.native_;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code mkctl batch}: one process, one lock, stop at the first failure. */
class MkctlBatchTest {
    @TempDir
    Path tmp;

    private FakeHost host;

    @BeforeEach
    void setUp() {
        host = FakeHost.create(tmp.resolve("host"))
                .v2Tree(true)
                .dir("sys/fs/multikernel/instances/a")
                .dir("sys/fs/multikernel/instances/c");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(Map<String, Object> m) {
        return (List<Map<String, Object>>) m.get("results");
    }

    @Test
    void runsInOrderAndReportsEveryResult() throws Exception {
        Map<String, Object> r = Mkctl.run(
                        host.args("batch"),
                        utf8(
                                "[{\"op\":\"v2-remove\",\"name\":\"a\"}, {\"op\":\"state\"}, {\"op\":\"v2-remove\",\"name\":\"c\"}]"))
                .ok();
        assertThat(r)
                .containsEntry("operation", "batch")
                .containsEntry("completed", 3L)
                .containsEntry("total", 3L);
        assertThat(results(r)).hasSize(3);
        assertThat(results(r).get(0))
                .containsExactly(
                        Map.entry("operation", "v2-remove"), Map.entry("name", "a"), Map.entry("removed", true));
        assertThat(results(r).get(1)).containsEntry("operation", "state").containsEntry("interface", "rfc-v2");
        assertThat(results(r).get(2)).containsEntry("name", "c");
        assertThat(host.mk().resolve("instances/a")).doesNotExist();
        assertThat(host.mk().resolve("instances/c")).doesNotExist();
    }

    @Test
    void stopsAtTheFirstFailureAndSaysHowFarItGot() throws Exception {
        Mkctl.Result res = Mkctl.run(
                host.args("batch"),
                utf8("[{\"op\":\"v2-remove\",\"name\":\"a\"},{\"op\":\"v2-remove\",\"name\":\"b\"},"
                        + "{\"op\":\"v2-remove\",\"name\":\"c\"}]"));
        Map<String, Object> e = res.error(1);
        assertThat(e)
                .containsEntry("operation", "v2-remove")
                .containsEntry("errno", "ENOENT")
                .containsEntry("batch_index", 1L);
        Map<String, Object> r = res.json();
        assertThat(r)
                .containsEntry("operation", "batch")
                .containsEntry("completed", 1L)
                .containsEntry("total", 3L);
        assertThat(results(r)).singleElement().satisfies(x -> assertThat(x).containsEntry("name", "a"));
        assertThat(host.mk().resolve("instances/c"))
                .as("not run after the failure")
                .isDirectory();
    }

    @Test
    void emptyBatchSucceeds() throws Exception {
        assertThat(Mkctl.run(host.args("batch"), utf8(" [ ] ")).ok())
                .containsEntry("completed", 0L)
                .containsEntry("total", 0L)
                .containsEntry("results", List.of());
    }

    @Test
    void blobsArriveBase64() throws Exception {
        byte[] dtb = {(byte) 0xd0, 0x0d, (byte) 0xfe, (byte) 0xed, 0, 1, 2, 3, (byte) 0xff};
        host.instanceV2("web", 1, "ready", "x");
        String json = "[{\"op\":\"v2-create\",\"blob\":\"" + Base64.getEncoder().encodeToString(dtb)
                + "\",\"expect\":[\"web\"]}]";
        Map<String, Object> r = Mkctl.run(host.args("batch"), utf8(json)).ok();
        assertThat(results(r).get(0)).containsEntry("bytes", 9L);
        assertThat(Files.readAllBytes(host.mk().resolve("device_tree"))).containsExactly(dtb);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not JSON|[{\"op\":|invalid JSON",
                "not an array|{\"op\":\"state\"}|must be a JSON array",
                "element not an object|[1]|batch element 1 is not an object (it is a integer)",
                "no op|[{\"name\":\"a\"}]|needs \"op\"",
                "unknown op|[{\"op\":\"reboot\"}]|\"reboot\" is not an operation a batch can run",
                "version in a batch|[{\"op\":\"version\"}]|\"version\" is not an operation",
                "nested batch|[{\"op\":\"batch\"}]|\"batch\" is not an operation",
                "unknown key|[{\"op\":\"state\",\"verbose\":true}]|unknown key \"verbose\"",
                "key of another op|[{\"op\":\"state\",\"id\":1}]|state does not take id",
                "wrong type|[{\"op\":\"unload\",\"id\":\"1\"}]|\"id\" must be an integer, not string",
                "fraction|[{\"op\":\"unload\",\"id\":1.5}]|numbers must be integers",
                "id range|[{\"op\":\"unload\",\"id\":4096}]|id must be 1..2047",
                "bad base64|[{\"op\":\"baseline\",\"blob\":\"abc\"}]|not valid base64",
                "missing blob|[{\"op\":\"overlay-apply\"}]|needs the blob as base64",
                "duplicate key|[{\"op\":\"state\",\"op\":\"state\"}]|duplicate key",
                "expect of numbers|[{\"op\":\"v2-create\",\"blob\":\"AA==\",\"expect\":[1]}]|must hold strings",
                "too deep|[{\"op\":\"state\",\"x\":[[1]]}]|nesting deeper",
                "trailing text|[] x|trailing characters",
            })
    void invalidInputIsAUsageErrorAndNothingRuns(String title, String json, String message) throws Exception {
        // the first element alone would succeed: validation happens before anything runs
        String input = json.startsWith("[") && json.length() > 2 && !json.startsWith("[]")
                ? "[{\"op\":\"v2-remove\",\"name\":\"a\"}," + json.substring(1)
                : json;
        Strace.Traced t = Strace.injectingSuccess().run(tmp, host.args("batch"), utf8(input));
        Map<String, Object> e = t.result().error(2);
        assertThat(e).containsEntry("operation", "batch").containsEntry("kind", "usage");
        assertThat((String) e.get("message")).contains(message);
        assertThat(host.mk().resolve("instances/a")).isDirectory();
        assertThat(t.calls()).isEmpty();
    }

    @Test
    void tooManyOperationsIsAUsageError() throws Exception {
        String input = "[" + String.join(",", java.util.Collections.nCopies(257, "{\"op\":\"state\"}")) + "]";
        Map<String, Object> e = Mkctl.run(host.args("batch"), utf8(input)).error(2);
        assertThat((String) e.get("message")).contains("more than 256 elements");
    }

    @Test
    void lifecycleInOneInvocationUnderStrace() throws Exception {
        Path kernel = Files.write(tmp.resolve("vmlinuz"), new byte[] {1});
        String input = "[{\"op\":\"load\",\"id\":5,\"kernel\":\"" + kernel + "\",\"cmdline\":\"quiet\"},"
                + "{\"op\":\"exec\",\"id\":5},"
                + "{\"op\":\"halt\",\"id\":5,\"timeout\":20,\"force\":true},"
                + "{\"op\":\"unload\",\"id\":5}]";
        Strace.Traced t = Strace.injectingSuccess().run(tmp, host.args("batch"), utf8(input));
        Map<String, Object> r = t.result().ok();
        assertThat(results(r)).extracting(m -> m.get("operation")).containsExactly("load", "exec", "halt", "unload");
        assertThat(t.calls())
                .extracting(Strace.Call::name)
                .containsExactly("kexec_file_load", "reboot", "reboot", "kexec_file_load");
        assertThat(Strace.number(t.calls().get(0).args().get(4))).isEqualTo(0x10L | (5L << 5) | 0x4L);
        assertThat(Strace.number(t.calls().get(1).args().get(2))).isEqualTo(0x4D4B4C49L);
        assertThat(Strace.number(t.calls().get(2).args().get(2))).isEqualTo(0x4D4B4C48L);
        assertThat(Strace.number(t.calls().get(3).args().get(4))).isEqualTo(0x1L | 0x10L | (5L << 5));
    }

    @Test
    void injectedFailureInTheMiddleStopsTheBatch() throws Exception {
        Path kernel = Files.write(tmp.resolve("vmlinuz"), new byte[] {1});
        String input = "[{\"op\":\"v2-remove\",\"name\":\"a\"},"
                + "{\"op\":\"load\",\"id\":5,\"kernel\":\"" + kernel + "\"},"
                + "{\"op\":\"exec\",\"id\":5}]";
        Strace.Traced t =
                Strace.injectingSuccess().fail("kexec_file_load", "EBUSY").run(tmp, host.args("batch"), utf8(input));
        Map<String, Object> e = t.result().error(1);
        assertThat(e)
                .containsEntry("operation", "load")
                .containsEntry("errno", "EBUSY")
                .containsEntry("batch_index", 1L);
        assertThat(t.result().json()).containsEntry("completed", 1L).containsEntry("total", 3L);
        assertThat(t.calls()).extracting(Strace.Call::name).containsExactly("kexec_file_load");
    }
}
