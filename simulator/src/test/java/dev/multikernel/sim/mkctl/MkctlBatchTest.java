package dev.multikernel.sim.mkctl;

import static dev.multikernel.sim.fixtures.Trees.baseline;
import static dev.multikernel.sim.fixtures.Trees.instanceCreate;
import static dev.multikernel.sim.fixtures.Trees.overlay;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multikernel.sim.fixtures.KernelImages;
import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.kernel.Operation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mkctl batch} in sim mode: a whole apply in one invocation, stopping at the first failure. */
class MkctlBatchTest {
    static final long GIB = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static ObjectNode op(String name) {
        return JSON.createObjectNode().put("op", name);
    }

    private static byte[] batch(ObjectNode... ops) throws Exception {
        ArrayNode a = JSON.createArrayNode();
        for (ObjectNode o : ops) {
            a.add(o);
        }
        return JSON.writeValueAsString(a).getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> operations(JsonNode batchResult) {
        List<String> out = new ArrayList<>();
        batchResult.get("results").forEach(r -> out.add(r.get("operation").asText()));
        return out;
    }

    @Test
    void wholeBringUpInOneInvocation() throws Exception {
        Path image = KernelImages.validImage(dir);
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            JsonNode r = h.mkctl(
                            batch(
                                    op("mount"),
                                    op("baseline").put("blob", baseline(new long[] {2, 4, 6}, 2 * GIB)),
                                    op("overlay-apply")
                                            .put("blob", overlay("/instances", instanceCreate("web", 3, GIB, 4, 6))),
                                    op("load")
                                            .put("id", 3)
                                            .put("kernel", image.toString())
                                            .put("cmdline", "console=mktty0"),
                                    op("exec").put("id", 3),
                                    op("state")),
                            "batch")
                    .ok();
            assertThat(r.get("completed").asInt()).isEqualTo(6);
            assertThat(r.get("total").asInt()).isEqualTo(6);
            assertThat(operations(r)).containsExactly("mount", "baseline", "overlay-apply", "load", "exec", "state");
            JsonNode state = r.get("results").get(5);
            assertThat(SimHost.instance(state, "web").get("status").asText()).isEqualTo("active");
            assertThat(state.get("kimage").get(0).get("mk_id").asInt()).isEqualTo(3);
        }
    }

    @Test
    void stopsAtTheFirstFailureAndLeavesTheRestUndone() throws Exception {
        Path image = KernelImages.validImage(dir);
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            h.mkctl("mount").ok();
            h.mkctl(baseline(new long[] {2, 4, 6}, 2 * GIB), "baseline").ok();
            SimHost.Result res = h.mkctl(
                    batch(
                            op("overlay-apply").put("blob", overlay("/instances", instanceCreate("web", 1, GIB, 4))),
                            op("load").put("id", 1).put("kernel", image.toString()),
                            op("load").put("id", 1).put("kernel", image.toString()),
                            op("exec").put("id", 1)),
                    "batch");
            JsonNode e = res.error(1);
            assertThat(e.get("operation").asText()).isEqualTo("load");
            assertThat(e.get("errno").asText()).isEqualTo("EBUSY");
            assertThat(e.get("batch_index").asInt()).isEqualTo(2);
            assertThat(e.get("instance_status").asText()).isEqualTo("loaded");
            JsonNode r = res.json();
            assertThat(r.get("completed").asInt()).isEqualTo(2);
            assertThat(r.get("total").asInt()).isEqualTo(4);
            assertThat(operations(r)).containsExactly("overlay-apply", "load");
            assertThat(SimHost.instance(h.state(), "web").get("status").asText())
                    .as("exec never ran")
                    .isEqualTo("loaded");
        }
    }

    @Test
    void failedTransactionInABatchCarriesItsIdAndIndex() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            h.mkctl("mount").ok();
            h.mkctl(baseline(new long[] {2, 4, 6}, 2 * GIB), "baseline").ok();
            h.kernel.faults().failNext(Operation.OVERLAY_APPLY, "/instances", Errno.ENOMEM, 1);
            SimHost.Result res = h.mkctl(
                    batch(
                            op("state"),
                            op("overlay-apply").put("blob", overlay("/instances", instanceCreate("web", 1, GIB, 4))),
                            op("state")),
                    "batch");
            JsonNode e = res.error(5);
            assertThat(e.get("batch_index").asInt()).isEqualTo(1);
            assertThat(e.get("transaction_status").asText()).isEqualTo("failed");
            long tx = e.get("transaction_id").asLong();
            assertThat(res.json().get("completed").asInt()).isEqualTo(1);
            // cleaning up is a batch too
            JsonNode ok = h.mkctl(batch(op("overlay-remove").put("id", tx), op("state")), "batch")
                    .ok();
            assertThat(ok.get("results").get(1).get("overlays")).isEmpty();
        }
    }

    @Test
    void haltEscalationInsideABatch() throws Exception {
        Path image = KernelImages.validImage(dir);
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT)) {
            h.mkctl("mount").ok();
            h.mkctl(baseline(new long[] {2, 4, 6}, 2 * GIB), "baseline").ok();
            h.mkctl(overlay("/instances", instanceCreate("web", 1, GIB, 4)), "overlay-apply")
                    .ok();
            h.mkctl("load", "--id", "1", "--kernel", image.toString()).ok();
            h.mkctl("exec", "--id", "1").ok();
            h.kernel.faults().haltTimesOut(true);
            JsonNode r = h.mkctl(
                            batch(
                                    op("halt").put("id", 1).put("timeout", 10).put("force", true),
                                    op("unload").put("id", 1)),
                            "batch")
                    .ok();
            assertThat(r.get("results").get(0).get("mode").asText()).isEqualTo("force");
            assertThat(r.get("results").get(1).get("status").asText()).isEqualTo("ready");
        }
    }
}
