package dev.multikernel.sim.mkctl;

import static dev.multikernel.sim.fixtures.Trees.baseline;
import static dev.multikernel.sim.fixtures.Trees.instanceCreate;
import static dev.multikernel.sim.fixtures.Trees.overlay;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mkctl session}: one long-lived mkctl answering JSON-line requests, as the client pipelines them. */
class MkctlSessionTest {
    static final long GIB = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A running {@code mkctl session} with its pipes. */
    static final class Session implements AutoCloseable {
        final Process process;
        final OutputStream in;
        final BufferedReader out;

        Session(SimHost host) throws IOException {
            List<String> argv = new java.util.ArrayList<>(SimHost.emulator());
            argv.addAll(List.of(SimHost.binary().toString(), "session"));
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().put("MKCTL_SIM_SOCKET", host.server.socketPath().toString());
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            process = pb.start();
            in = process.getOutputStream();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        JsonNode line() throws IOException {
            String l = out.readLine();
            assertThat(l).as("an answer line").isNotNull();
            return JSON.readTree(l);
        }

        JsonNode send(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            return line();
        }

        JsonNode request(long id, ObjectNode... ops) throws IOException {
            ObjectNode r = JSON.createObjectNode().put("id", id);
            ArrayNode a = r.putArray("ops");
            for (ObjectNode o : ops) {
                a.add(o);
            }
            return send(JSON.writeValueAsString(r));
        }

        int end() throws Exception {
            in.close();
            assertThat(process.waitFor(10, TimeUnit.SECONDS))
                    .as("the session ends with its stdin")
                    .isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static ObjectNode op(String name) {
        return JSON.createObjectNode().put("op", name);
    }

    @Test
    void answersEachRequestOnItsOwnLineUntilStdinEnds() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT);
                Session s = new Session(h)) {
            JsonNode hello = s.line();
            assertThat(hello.get("operation").asText()).isEqualTo("session");
            assertThat(hello.get("session").asInt()).isEqualTo(1);
            assertThat(hello.get("contract").asInt()).isEqualTo(1);
            assertThat(hello.get("mode").asText()).isEqualTo("sim");

            JsonNode created = s.request(
                    1,
                    op("mount"),
                    op("baseline").put("blob", baseline(new long[] {2, 4, 6}, 2 * GIB)),
                    op("overlay-apply").put("blob", overlay("/instances", instanceCreate("web", 3, GIB, 4))));
            assertThat(created.get("id").asLong()).isEqualTo(1);
            assertThat(created.has("error")).as(created.toString()).isFalse();
            assertThat(created.get("completed").asInt()).isEqualTo(3);

            JsonNode state = s.request(2, op("state"));
            assertThat(state.get("id").asLong()).isEqualTo(2);
            assertThat(SimHost.instance(state.get("results").get(0), "web")).isNotNull();

            int exit = s.end();
            assertThat(exit).isZero();
        }
    }

    @Test
    void aBadRequestIsAnsweredAndTheSessionGoesOn() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT);
                Session s = new Session(h)) {
            s.line();
            JsonNode notJson = s.send("not json");
            assertThat(notJson.get("id").isNull()).isTrue();
            assertThat(notJson.get("error").get("kind").asText()).isEqualTo("usage");

            JsonNode noOps = s.send("{\"id\":5}");
            assertThat(noOps.get("id").asLong()).isEqualTo(5);
            assertThat(noOps.get("error").get("message").asText()).contains("\"ops\"");

            JsonNode failed = s.request(6, op("mount"), op("halt").put("id", 9));
            assertThat(failed.get("completed").asInt()).isEqualTo(1);
            assertThat(failed.get("error").get("batch_index").asInt()).isEqualTo(1);
            assertThat(failed.get("error").get("operation").asText()).isEqualTo("halt");

            assertThat(s.request(7, op("state")).has("error")).isFalse();
        }
    }

    @Test
    void theHostLockIsHeldPerRequestNotForTheSession() throws Exception {
        try (SimHost h = SimHost.start(dir, InterfaceGeneration.CURRENT);
                Session s = new Session(h)) {
            s.line();
            assertThat(s.request(1, op("mount")).has("error")).isFalse();
            // the session is open and idle: a one-shot mutation gets the exclusive lock at once
            SimHost.Result other = h.mkctl(new byte[0], Map.of(), List.of("--lock-timeout", "2", "mount"));
            assertThat(other.exitCode()).as(other.stdout()).isZero();
            assertThat(s.request(2, op("state")).has("error")).isFalse();
        }
    }
}
