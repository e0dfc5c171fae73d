package dev.multikernel.host.mkctl.native_;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-boot CPU map cache (docs/mkctl.md, "CPU map cache") in real mode against a fake /sys
 * and /proc tree: the file mkctl writes, when it is used, and that it never makes an operation
 * fail.
 */
class MkctlCpuCacheTest {
    @TempDir
    Path tmp;

    private static final int[] APIC = {0, 2, 16, 18};
    private static final int[] NODE = {0, 0, 1, 1};

    /** /proc/cpuinfo listing only these (online) CPUs, as the kernel does. */
    private static String cpuinfo(int... online) {
        StringBuilder sb = new StringBuilder();
        for (int cpu : online) {
            sb.append("processor\t: ")
                    .append(cpu)
                    .append("\nphysical id\t: ")
                    .append(NODE[cpu])
                    .append("\napicid\t\t: ")
                    .append(APIC[cpu])
                    .append("\n\n");
        }
        return sb.toString();
    }

    private FakeHost host() {
        FakeHost h = FakeHost.create(tmp.resolve("host"));
        h.file("sys/devices/system/cpu/cpu3/online", "1\n");
        h.file("sys/devices/system/cpu/online", "0-3\n");
        h.file("proc/cpuinfo", cpuinfo(0, 1, 2, 3));
        return h;
    }

    /** CPUs 2 and 3 go offline and disappear from /proc/cpuinfo. */
    private static void offline23(FakeHost h) {
        h.file("sys/devices/system/cpu/cpu2/online", "0\n");
        h.file("sys/devices/system/cpu/cpu3/online", "0\n");
        h.file("proc/cpuinfo", cpuinfo(0, 1));
    }

    private List<String> args(FakeHost h, Path cacheDir, String... more) {
        List<String> a = new ArrayList<>(h.args("--cpu-cache-dir", cacheDir.toString()));
        a.addAll(List.of(more));
        return a;
    }

    private static Map<String, Object> state(List<String> args) throws Exception {
        return Mkctl.run(args, new byte[0]).ok();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cpus(Map<String, Object> state) {
        return (List<Map<String, Object>>) state.get("cpus");
    }

    @SuppressWarnings("unchecked")
    private static List<String> warnings(Map<String, Object> state) {
        return (List<String>) state.get("warnings");
    }

    private static List<String> names(Path directory) throws java.io.IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static Path cacheFile(Path dir) {
        return dir.resolve("cpus-" + FakeHost.BOOT_ID + ".json");
    }

    @Test
    void stateRecordsOnlineCpusAndFillsOfflineOnesFromTheCache() throws Exception {
        FakeHost h = host();
        Path dir = tmp.resolve("run/multikernel"); // created with its parents
        Map<String, Object> s = state(args(h, dir, "state"));
        assertThat(warnings(s)).isEmpty();
        assertThat(Files.readString(cacheFile(dir)))
                .isEqualTo("{\"format\":1,\"boot_id\":\"" + FakeHost.BOOT_ID
                        + "\",\"cpus\":[{\"cpu\":0,\"apic_id\":0,\"numa_node\":0},{\"cpu\":1,\"apic_id\":2,\"numa_node\":0},"
                        + "{\"cpu\":2,\"apic_id\":16,\"numa_node\":1},{\"cpu\":3,\"apic_id\":18,\"numa_node\":1}]}\n");
        assertThat(names(dir)).containsExactly("cpus-" + FakeHost.BOOT_ID + ".json"); // the temporary file was renamed

        offline23(h);
        s = state(args(h, dir, "state"));
        assertThat(cpus(s))
                .extracting(c -> c.get("apic_id"), c -> c.get("apic_id_source"), c -> c.get("online"))
                .containsExactly(
                        tuple(0L, "cpuinfo", true),
                        tuple(2L, "cpuinfo", true),
                        tuple(16L, "cache", false),
                        tuple(18L, "cache", false));
        assertThat(warnings(s)).isEmpty();

        // without the cache, the same host has no APIC ids for its offline CPUs
        s = state(h.args("--no-cpu-cache", "state"));
        assertThat(cpus(s).get(2)).containsEntry("apic_id", null).containsEntry("apic_id_source", null);
    }

    @Test
    void nothingIsWrittenWhenNothingNewIsLearned() throws Exception {
        FakeHost h = host();
        Path dir = tmp.resolve("cache");
        state(args(h, dir, "state"));
        Path file = cacheFile(dir);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
        offline23(h);
        state(args(h, dir, "state"));
        assertThat(Files.getLastModifiedTime(file).toMillis())
                .as("rewritten without news")
                .isZero();
    }

    @Test
    void testRootsWithoutACacheDirectoryUseNoCache() throws Exception {
        FakeHost h = host();
        Path real = Path.of("/run/multikernel/cpus-" + FakeHost.BOOT_ID + ".json");
        Map<String, Object> s = state(h.args("state"));
        assertThat(warnings(s)).isEmpty();
        assertThat(real).doesNotExist();
        assertThat(names(tmp.resolve("host"))).containsExactlyInAnyOrder("sys", "proc", "mkctl.lock");
    }

    @Test
    void theBaselineWritesTheCacheBeforeTheDeviceTree() throws Exception {
        FakeHost h = host().currentTree(true, new byte[0]);
        Path dir = tmp.resolve("cache");
        byte[] blob = {(byte) 0xd0, 0x0d, (byte) 0xfe, (byte) 0xed, 0, 0, 0, 8};
        Strace.Traced t = Strace.injectingSuccess().observe("write").run(tmp, args(h, dir, "baseline"), blob);
        assertThat(warnings(t.result().ok())).isEmpty();
        List<String> targets = t.calls("write").stream()
                .map(c -> Strace.fdPath(c.args().get(0)))
                .toList();
        String tree = h.mk().resolve("device_tree").toString();
        int cacheWrite = -1;
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).startsWith(dir + "/.cpus-" + FakeHost.BOOT_ID + ".json.")) {
                cacheWrite = i;
                break;
            }
        }
        assertThat(cacheWrite)
                .as("a write to the cache's temporary file in %s", targets)
                .isNotNegative();
        assertThat(targets.indexOf(tree))
                .as("the device tree write in %s", targets)
                .isGreaterThan(cacheWrite);
        assertThat(Files.readString(cacheFile(dir))).contains("{\"cpu\":3,\"apic_id\":18,\"numa_node\":1}");
    }

    @Test
    void problemsWithTheCacheAreWarningsNeverFailures() throws Exception {
        FakeHost h = host();
        Path dir = tmp.resolve("cache");
        Files.createDirectories(dir);
        Path file = cacheFile(dir);

        for (String junk : List.of(
                "",
                "{",
                "null",
                "{\"format\":1}",
                "{\"format\":2,\"boot_id\":\"" + FakeHost.BOOT_ID + "\",\"cpus\":[]}",
                "{\"format\":1,\"boot_id\":\"" + FakeHost.BOOT_ID + "\",\"cpus\":[{\"cpu\":\"3\",\"apic_id\":18}]}")) {
            Files.writeString(file, junk);
            Map<String, Object> s = state(args(h, dir, "state"));
            assertThat(warnings(s))
                    .as("cache %s", junk)
                    .singleElement()
                    .asString()
                    .contains("CPU map cache " + file + " is malformed and was ignored");
            // rewritten from the CPUs online now
            assertThat(Files.readString(file)).contains("\"boot_id\":\"" + FakeHost.BOOT_ID + "\"");
        }

        // a symlink in the cache's place is neither followed nor its target overwritten
        Path target = tmp.resolve("target.json");
        Files.writeString(target, "precious");
        Files.delete(file);
        Files.createSymbolicLink(file, target);
        Map<String, Object> s = state(args(h, dir, "state"));
        assertThat(warnings(s)).singleElement().asString().startsWith("CPU map cache ignored: open " + file);
        assertThat(Files.readString(target)).isEqualTo("precious");
        assertThat(Files.isSymbolicLink(file)).as("replaced by a regular file").isFalse();

        // a cache directory that cannot be created: state answers, with a warning
        Path notADir = tmp.resolve("plain-file");
        Files.writeString(notADir, "x");
        s = state(args(h, notADir, "state"));
        assertThat(cpus(s)).hasSize(4);
        assertThat(warnings(s)).singleElement().asString().startsWith("CPU map cache not written");

        // a boot id that cannot name a file is not used
        h.file("proc/sys/kernel/random/boot_id", "../../etc/x\n");
        s = state(args(h, dir, "state"));
        assertThat(warnings(s)).singleElement().asString().contains("is not a plain identifier");
        assertThat(tmp.resolve("etc")).doesNotExist();
    }

    @Test
    void theCacheDirectoryOptionIsCheckedLikeTheOtherGlobalOptions() throws Exception {
        FakeHost h = host();
        assertThat(Mkctl.run(h.args("--cpu-cache-dir", "relative", "state"), new byte[0])
                        .error(2)
                        .get("message"))
                .asString()
                .contains("--cpu-cache-dir must be an absolute path");
        assertThat(Mkctl.run(h.args("--cpu-cache-dir", "/a", "--no-cpu-cache", "state"), new byte[0])
                        .error(2)
                        .get("message"))
                .asString()
                .contains("either --cpu-cache-dir or --no-cpu-cache");
        assertThat(Mkctl.run(h.args("--no-cpu-cache=1", "state"), new byte[0])
                        .error(2)
                        .get("message"))
                .asString()
                .contains("--no-cpu-cache takes no value");
        assertThat(Mkctl.run(h.args("--cpu-cache-dir", "/a", "--cpu-cache-dir", "/b", "state"), new byte[0])
                        .error(2)
                        .get("message"))
                .asString()
                .contains("--cpu-cache-dir given twice");
        assertThat(Mkctl.run("help").stdout()).contains("--cpu-cache-dir DIR");
    }
}
