package dev.multikernel.sim.mkctl;

import static dev.multikernel.sim.fixtures.Trees.baseline;
import static dev.multikernel.sim.fixtures.Trees.v2Instance;
import static dev.multikernel.sim.fixtures.Trees.v2Tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-boot CPU map cache of mkctl (docs/mkctl.md, "CPU map cache"), with the real binary in
 * sim mode: the simulated kernel takes pool CPUs offline and /proc/cpuinfo then omits them, as
 * a real one does, so their APIC ids can only come from what mkctl recorded while they were
 * online in the same boot.
 */
class MkctlCpuCacheTest {
    static final long GIB = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The default topology: logical CPU i has APIC id APIC[i]; CPUs 0-3 are on node 0, 4-7 on node 1. */
    private static final long[] APIC = {0, 2, 4, 6, 16, 18, 20, 22};
    /** APIC ids 2, 4, 6, 16 = logical 1-4. */
    private static final long[] POOL = {2, 4, 6, 16};

    @TempDir
    Path dir;

    private static Path cacheFile(Path cacheDir, SimHost h) {
        return cacheDir.resolve("cpus-" + h.kernel.bootId() + ".json");
    }

    private static List<String> names(Path directory) throws java.io.IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Every CPU: online state, APIC id and where it came from as expected. */
    private static void assertCpus(JsonNode state, boolean poolOffline, String poolSource) {
        JsonNode cpus = state.get("cpus");
        assertThat(cpus).hasSize(8);
        for (int i = 0; i < 8; i++) {
            JsonNode c = cpus.get(i);
            boolean pool = i >= 1 && i <= 4;
            boolean offline = pool && poolOffline;
            assertThat(c.get("cpu").asInt()).isEqualTo(i);
            assertThat(c.get("online").asBoolean()).as("cpu%d online", i).isEqualTo(!offline);
            if (offline && poolSource == null) {
                assertThat(c.get("apic_id").isNull())
                        .as("cpu%d apic_id: %s", i, c)
                        .isTrue();
                assertThat(c.get("apic_id_source").isNull())
                        .as("cpu%d apic_id_source", i)
                        .isTrue();
            } else {
                assertThat(c.get("apic_id").asLong())
                        .as("cpu%d apic_id: %s", i, c)
                        .isEqualTo(APIC[i]);
                assertThat(c.get("apic_id_source").asText())
                        .as("cpu%d apic_id_source", i)
                        .isEqualTo(offline ? poolSource : "cpuinfo");
            }
            assertThat(c.get("numa_node").asInt()).isEqualTo(i < 4 ? 0 : 1);
        }
    }

    @Test
    void poolCpusKeepTheirApicIdsAfterTheBaselineTakesThemOffline() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            JsonNode before = h.state();
            assertCpus(before, false, null);
            assertThat(before.get("warnings")).isEmpty();
            // recorded next to the socket (the default directory in sim mode), named by the boot id
            Path cache = cacheFile(dir, h);
            JsonNode file = JSON.readTree(cache.toFile());
            assertThat(file.get("format").asInt()).isEqualTo(1);
            assertThat(file.get("boot_id").asText()).isEqualTo(h.kernel.bootId());
            assertThat(file.get("cpus")).hasSize(8);
            assertThat(file.get("cpus").get(5).toString()).isEqualTo("{\"cpu\":5,\"apic_id\":18,\"numa_node\":1}");
            assertThat(names(dir)).noneMatch(n -> n.endsWith(".tmp"));

            h.mkctl("mount").ok();
            assertThat(h.mkctl(baseline(POOL, 2 * GIB), "baseline").ok().get("warnings"))
                    .isEmpty();
            JsonNode after = h.state();
            // /proc/cpuinfo now omits the pool CPUs; their ids come from the cache
            String cpuinfo = new String(h.kernel.read("/proc/cpuinfo"), StandardCharsets.UTF_8);
            assertThat(cpuinfo).doesNotContain("processor\t: 1\n").contains("processor\t: 5\n");
            assertCpus(after, true, "cache");
            assertThat(after.get("warnings")).isEmpty();
        }
    }

    @Test
    void theBaselineRecordsTheMapBeforeWritingEvenWithoutAnEarlierState() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            h.mkctl("mount").ok();
            assertThat(Files.exists(cacheFile(dir, h)))
                    .as("mount records nothing")
                    .isFalse();
            h.mkctl(baseline(POOL, 2 * GIB), "baseline").ok();
            assertThat(JSON.readTree(cacheFile(dir, h).toFile()).get("cpus")).hasSize(8);
            assertCpus(h.state(), true, "cache");
        }
    }

    @Test
    void aBaselineInABatchRecordsTheMapToo() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            String ops = "[{\"op\":\"mount\"},{\"op\":\"baseline\",\"blob\":\""
                    + Base64.getEncoder().encodeToString(baseline(POOL, 2 * GIB)) + "\"},{\"op\":\"state\"}]";
            JsonNode r = h.mkctl(ops.getBytes(StandardCharsets.UTF_8), "batch").ok();
            assertThat(r.get("completed").asInt()).isEqualTo(3);
            assertCpus(r.get("results").get(2), true, "cache");
        }
    }

    @Test
    void withoutTheCacheOfflinePoolCpusHaveNoApicId() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            h.mkctl("--no-cpu-cache", "mount").ok();
            h.mkctl(baseline(POOL, 2 * GIB), "--no-cpu-cache", "baseline").ok();
            assertCpus(h.mkctl("--no-cpu-cache", "state").ok(), true, null);
            assertThat(Files.exists(cacheFile(dir, h))).isFalse();
        }
    }

    @Test
    void aCacheFromAnotherBootIsIgnored() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            h.mkctl("mount").ok();
            h.mkctl(baseline(POOL, 2 * GIB), "baseline").ok();
            Path oldCache = cacheFile(dir, h);
            String oldBoot = h.kernel.bootId();
            assertThat(JSON.readTree(oldCache.toFile()).get("cpus")).hasSize(8);

            h.kernel.rebootHost();
            assertThat(h.kernel.bootId()).isNotEqualTo(oldBoot);
            // offline the pool CPUs of the new boot without letting mkctl record them first
            h.mkctl("--no-cpu-cache", "mount").ok();
            h.mkctl(baseline(POOL, 2 * GIB), "--no-cpu-cache", "baseline").ok();
            JsonNode s = h.state();
            assertThat(s.get("boot_id").asText()).isEqualTo(h.kernel.bootId());
            // the old boot's file lists the pool CPUs, but logical numbering is only stable within a boot
            assertCpus(s, true, null);
            assertThat(Files.exists(oldCache)).isTrue();
            JsonNode fresh = JSON.readTree(cacheFile(dir, h).toFile());
            assertThat(fresh.get("boot_id").asText()).isEqualTo(h.kernel.bootId());
            assertThat(fresh.get("cpus")).extracting(c -> c.get("cpu").asInt()).containsExactly(0, 5, 6, 7);
        }
    }

    @Test
    void aCorruptCacheGivesAWarningNotAFailure() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            h.mkctl("mount").ok();
            h.mkctl(baseline(POOL, 2 * GIB), "baseline").ok();
            Path cache = cacheFile(dir, h);
            Files.writeString(cache, "{\"format\":1,\"boot_id\":\"" + h.kernel.bootId() + "\",\"cpus\":[{\"cpu\":1,");
            JsonNode s = h.state();
            assertCpus(s, true, null);
            assertThat(texts(s.get("warnings")))
                    .singleElement()
                    .asString()
                    .contains("CPU map cache " + cache + " is malformed and was ignored");
            // rewritten from the CPUs online now: the next read is quiet again
            assertThat(JSON.readTree(cache.toFile()).get("cpus"))
                    .extracting(c -> c.get("cpu").asInt())
                    .containsExactly(0, 5, 6, 7);
            assertThat(h.state().get("warnings")).isEmpty();

            // a cache written for another boot under this boot's name is malformed too
            Files.writeString(
                    cache,
                    "{\"format\":1,\"boot_id\":\"another-boot\",\"cpus\":[{\"cpu\":1,\"apic_id\":2,"
                            + "\"numa_node\":0}]}");
            s = h.state();
            assertThat(s.get("cpus").get(1).get("apic_id").isNull()).isTrue();
            assertThat(texts(s.get("warnings"))).singleElement().asString().contains("not this boot's");

            // unreadable (a directory in its place): a warning, and state still answers
            Files.delete(cache);
            Files.createDirectory(cache);
            s = h.state();
            assertCpus(s, true, null);
            assertThat(texts(s.get("warnings")))
                    .hasSize(2)
                    .anySatisfy(w -> assertThat(w).startsWith("CPU map cache ignored: read " + cache))
                    .anySatisfy(w -> assertThat(w).startsWith("CPU map cache not written"));
        }
    }

    @Test
    void simulatedHostsSharingADirectoryKeepTheirMapsApartByBootId() throws Exception {
        Path shared = dir.resolve("shared");
        try (SimHost a = SimHost.start(Files.createDirectories(dir.resolve("a")), InterfaceGeneration.CURRENT);
                SimHost b = SimHost.start(Files.createDirectories(dir.resolve("b")), InterfaceGeneration.CURRENT)) {
            List<String> opt = List.of("--cpu-cache-dir", shared.toString());
            for (SimHost h : List.of(a, b)) {
                h.mkctl(new byte[0], Map.of(), concat(opt, "mount")).ok();
                h.mkctl(baseline(h == a ? POOL : new long[] {18, 20}, GIB), Map.of(), concat(opt, "baseline"))
                        .ok();
            }
            assertThat(names(shared))
                    .containsExactlyInAnyOrder(
                            "cpus-" + a.kernel.bootId() + ".json", "cpus-" + b.kernel.bootId() + ".json");
            assertCpus(a.mkctl(new byte[0], Map.of(), concat(opt, "state")).ok(), true, "cache");
            JsonNode sb = b.mkctl(new byte[0], Map.of(), concat(opt, "state")).ok();
            assertThat(sb.get("cpus").get(5).get("online").asBoolean()).isFalse();
            assertThat(sb.get("cpus").get(5).get("apic_id").asLong()).isEqualTo(18);
            assertThat(sb.get("cpus").get(5).get("apic_id_source").asText()).isEqualTo("cache");
            assertThat(sb.get("cpus").get(1).get("apic_id_source").asText()).isEqualTo("cpuinfo");
        }
    }

    @Test
    void rfcV2CreateRecordsTheMapBeforeLendingCpus() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.RFC_V2)) {
            h.mkctl("mount").ok();
            JsonNode c = h.mkctl(v2Tree(v2Instance("web", 1, 1 << 28, 2, 3)), "v2-create", "--expect", "web")
                    .ok();
            assertThat(c.get("warnings")).isEmpty();
            JsonNode s = h.state();
            for (int i : new int[] {2, 3}) {
                JsonNode cpu = s.get("cpus").get(i);
                assertThat(cpu.get("online").asBoolean()).isFalse();
                assertThat(cpu.get("apic_id").asLong()).isEqualTo(APIC[i]);
                assertThat(cpu.get("apic_id_source").asText()).isEqualTo("cache");
            }
        }
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }
}
