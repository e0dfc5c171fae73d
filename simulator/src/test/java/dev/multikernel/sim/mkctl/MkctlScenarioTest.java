package dev.multikernel.sim.mkctl;

import static dev.multikernel.sim.fixtures.Trees.baseline;
import static dev.multikernel.sim.fixtures.Trees.instanceCreate;
import static dev.multikernel.sim.fixtures.Trees.instanceRemove;
import static dev.multikernel.sim.fixtures.Trees.overlay;
import static dev.multikernel.sim.fixtures.Trees.v2Instance;
import static dev.multikernel.sim.fixtures.Trees.v2Tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.sim.fixtures.KernelImages;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.kernel.KernelModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real mkctl binary in sim mode against the kernel model: the instance lifecycle of
 * reference §8, checking {@code mkctl state} after every step.
 */
class MkctlScenarioTest {
    static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private static List<Long> cpusAvailable(JsonNode state) throws Exception {
        DeviceTree pool = Fdt.parse(
                Base64.getDecoder().decode(state.get("pool").get("device_tree").asText()));
        return pool.find("/resources")
                .orElseThrow()
                .property("cpus-available")
                .orElseThrow()
                .asU64List();
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    @Test
    void versionSaysSimMode() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            assertThat(h.mkctl("version").ok().get("mode").asText()).isEqualTo("sim");
        }
    }

    @Test
    void currentTreeLifecycle() throws Exception {
        Path image = KernelImages.validImage(dir);
        Path initrd = KernelImages.initrd(dir);
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            JsonNode s = h.state();
            assertThat(s.get("interface").asText()).isEqualTo("unknown");
            assertThat(s.get("mounted").asBoolean()).isFalse();
            assertThat(s.get("boot_id").asText()).isEqualTo(h.kernel.bootId());
            assertThat(s.get("cpus")).hasSize(8);
            assertThat(s.get("cpus").get(0).get("online").asBoolean()).isTrue();
            // logical CPU ↔ APIC id ↔ NUMA node, as the default topology defines them
            assertThat(s.get("cpus").get(1).get("apic_id").asLong()).isEqualTo(2);
            assertThat(s.get("cpus").get(4).get("apic_id").asLong()).isEqualTo(16);
            assertThat(s.get("cpus").get(0).get("numa_node").asLong()).isZero();
            assertThat(s.get("cpus").get(7).get("numa_node").asLong()).isEqualTo(1);
            assertThat(s.get("kernel_release").asText()).isEqualTo(KernelModel.KERNEL_RELEASE);

            JsonNode m = h.mkctl("mount").ok();
            assertThat(m.get("already_mounted").asBoolean()).isFalse();
            assertThat(m.get("mounted").asBoolean()).isTrue();
            assertThat(m.get("interface").asText()).isEqualTo("current");
            assertThat(h.mkctl("mount").ok().get("already_mounted").asBoolean()).isTrue();

            // baseline: APIC ids 2,4,6,16 and 2 GiB on node 0
            JsonNode b = h.mkctl(baseline(new long[] {2, 4, 6, 16}, 2 * GIB), "baseline")
                    .ok();
            assertThat(b.get("pool")).isNotNull();
            s = h.state();
            assertThat(cpusAvailable(s)).containsExactly(2L, 4L, 6L, 16L);
            assertThat(names(s.get("iomem"), "name")).containsExactly("Multikernel Memory Pool");
            assertThat(s.get("kimage")).isEmpty();
            // pool CPUs are offline on the host: logical 1,2,3 (APIC 2,4,6) and 4 (APIC 16)
            assertThat(s.get("cpus").get(1).get("online").asBoolean()).isFalse();
            assertThat(s.get("cpus").get(5).get("online").asBoolean()).isTrue();

            // instance-create overlay
            JsonNode a = h.mkctl(overlay("/instances", instanceCreate("web", 1, GIB, 4, 6)), "overlay-apply")
                    .ok();
            long tx = a.get("transaction").get("id").asLong();
            assertThat(a.get("transaction").get("status").asText()).isEqualTo("applied");
            s = h.state();
            assertThat(SimHost.instance(s, "web").get("status").asText()).isEqualTo("ready");
            assertThat(SimHost.instance(s, "web").get("id").asInt()).isEqualTo(1);
            assertThat(SimHost.instance(s, "web").get("device_tree").asText()).isNotEmpty();
            assertThat(s.get("overlays")).hasSize(1);
            assertThat(s.get("overlays").get(0).get("id").asLong()).isEqualTo(tx);
            assertThat(s.get("overlays").get(0).get("status").asText()).isEqualTo("applied");
            assertThat(cpusAvailable(s)).containsExactly(2L, 16L);
            assertThat(names(s.get("iomem"), "name")).contains("mk-instance-1-web-region-0");

            // load
            JsonNode l = h.mkctl(
                            "load",
                            "--id",
                            "1",
                            "--kernel",
                            image.toString(),
                            "--initrd",
                            initrd.toString(),
                            "--cmdline",
                            "console=mktty0 root=/dev/pmem0")
                    .ok();
            assertThat(l.get("flags").asText()).isEqualTo("0x30");
            assertThat(l.get("status").asText()).isEqualTo("loaded");
            s = h.state();
            assertThat(s.get("kimage")).hasSize(1);
            assertThat(s.get("kimage").get(0).get("mk_id").asInt()).isEqualTo(1);
            assertThat(s.get("kimage").get(0).get("type").asText()).isEqualTo("multikernel");

            // exec
            assertThat(h.mkctl("exec", "--id", "1").ok().get("status").asText()).isEqualTo("active");
            assertThat(SimHost.instance(h.state(), "web").get("status").asText())
                    .isEqualTo("active");

            // halt
            JsonNode halt = h.mkctl("halt", "--id", "1").ok();
            assertThat(halt.get("mode").asText()).isEqualTo("graceful");
            assertThat(halt.get("status").asText()).isEqualTo("loaded");
            assertThat(SimHost.instance(h.state(), "web").get("status").asText())
                    .isEqualTo("loaded");

            // unload
            assertThat(h.mkctl("unload", "--id", "1").ok().get("status").asText())
                    .isEqualTo("ready");
            s = h.state();
            assertThat(SimHost.instance(s, "web").get("status").asText()).isEqualTo("ready");
            assertThat(s.get("kimage")).isEmpty();

            // instance-remove overlay
            h.mkctl(overlay("/instances", instanceRemove("web")), "overlay-apply")
                    .ok();
            s = h.state();
            assertThat(s.get("instances")).isEmpty();
            assertThat(cpusAvailable(s)).containsExactly(2L, 4L, 6L, 16L);
            assertThat(names(s.get("iomem"), "name")).containsExactly("Multikernel Memory Pool");
            assertThat(s.get("warnings")).isEmpty();
        }
    }

    @Test
    void overlayRemoveRollsTheCreateBack() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            h.mkctl("mount").ok();
            h.mkctl(baseline(new long[] {2, 4}, GIB), "baseline").ok();
            long tx = h.mkctl(overlay("/instances", instanceCreate("db", 2, GIB / 2, 4)), "overlay-apply")
                    .ok()
                    .get("transaction")
                    .get("id")
                    .asLong();
            JsonNode r = h.mkctl("overlay-remove", "--id", Long.toString(tx)).ok();
            assertThat(r.get("removed").asBoolean()).isTrue();
            JsonNode s = h.state();
            assertThat(s.get("instances")).isEmpty();
            assertThat(s.get("overlays")).isEmpty();
        }
    }

    @Test
    void rfcV2CreateLoadExecAndRemove() throws Exception {
        Path image = KernelImages.validImage(dir);
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.RFC_V2)) {
            h.mkctl("mount").ok();
            JsonNode s = h.state();
            assertThat(s.get("interface").asText()).isEqualTo("rfc-v2");
            assertThat(s.get("pool").isNull()).isTrue();

            byte[] tree = v2Tree(v2Instance("web", 1, 1 << 28, 2, 3));
            JsonNode c = h.mkctl(tree, "v2-create", "--expect", "web").ok();
            assertThat(c.get("instances")).hasSize(1);
            assertThat(c.get("instances").get(0).get("status").asText()).isEqualTo("ready");
            s = h.state();
            JsonNode web = SimHost.instance(s, "web");
            assertThat(web.get("device_tree").isNull()).isTrue();
            assertThat(web.get("device_tree_source").asText()).startsWith("/dts-v1/;");
            assertThat(s.get("cpus").get(2).get("online").asBoolean())
                    .as("v2 offlines the instance CPUs")
                    .isFalse();
            assertThat(s.get("overlays")).isEmpty();

            assertThat(h.mkctl("load", "--id", "1", "--kernel", image.toString())
                            .ok()
                            .get("status")
                            .asText())
                    .isEqualTo("loading");
            h.mkctl("exec", "--id", "1").ok();
            // RFC v2 has no stop command, and rmdir refuses a running instance
            JsonNode e = h.mkctl("v2-remove", "--name", "web").error(1);
            assertThat(e.get("errno").asText()).isEqualTo("EBUSY");
            assertThat(e.get("instance_status").asText()).isIn("active", "loading");
            assertThat(h.mkctl("halt", "--id", "1").error(1).get("errno").asText())
                    .isEqualTo("EINVAL");
        }
    }

    @Test
    void rfcV2RemoveOfAReadyInstance() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.RFC_V2)) {
            h.mkctl("mount").ok();
            h.mkctl(v2Tree(v2Instance("web", 1, 1 << 28, 2)), "v2-create", "--expect", "web")
                    .ok();
            assertThat(h.mkctl("v2-remove", "--name", "web").ok().get("removed").asBoolean())
                    .isTrue();
            assertThat(h.state().get("instances")).isEmpty();
        }
    }
}
