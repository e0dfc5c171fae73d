package dev.tfjvm.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        Log.setOutput(out);
        Log.setThreshold(Level.TRACE);
        Log.setClock(Clock.fixed(Instant.parse("2026-11-25T01:02:03.456789123Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void restore() {
        Log.reset();
        JulBridge.setLibraryThreshold(LogThreshold.DEFAULT);
    }

    private List<String> lines() {
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        return List.of(text.split("\n"));
    }

    /** Parses one JSON object of scalar and nested values with Jackson; fails on invalid JSON. */
    static Map<String, Object> parse(String line) throws Exception {
        try (JsonParser p = new JsonFactory().createParser(line)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            Map<String, Object> fields = readObject(p);
            assertThat(p.nextToken()).as("one object per line").isNull();
            return fields;
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            fields.put(name, readValue(p, p.nextToken()));
        }
        return fields;
    }

    private static Object readValue(JsonParser p, JsonToken t) throws Exception {
        return switch (t) {
            case START_OBJECT -> readObject(p);
            case START_ARRAY -> {
                List<Object> items = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(readValue(p, next));
                }
                yield items;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> "<null>";
            default -> throw new AssertionError("unexpected token " + t);
        };
    }

    @Test
    void writesHclogJsonLines() throws Exception {
        Log.get("ssh").info("connected", "host", "h1", "port", 22, "ok", true);

        Map<String, Object> line = parse(lines().get(0));
        assertThat(line)
                .containsExactly(
                        Map.entry("@level", "info"),
                        Map.entry("@message", "connected"),
                        Map.entry("@module", "provider.ssh"),
                        Map.entry("@timestamp", "2026-11-25T01:02:03.456789Z"),
                        Map.entry("host", "h1"),
                        Map.entry("port", 22L),
                        Map.entry("ok", true));
    }

    @Test
    void escapesQuotesNewlinesAndControlCharacters() throws Exception {
        String nasty = "say \"hi\"\\ \n\r\t\u0001\u001f\u007f end \u2028 é ☃ \uD83D\uDE00 lone \uD800 x";
        Log.get("x").warn(nasty, "k\"ey\n", nasty);

        List<String> lines = lines();
        assertThat(lines).hasSize(1);
        Map<String, Object> line = parse(lines.get(0));
        assertThat(line.get("@message")).isEqualTo(nasty);
        assertThat(line.get("k\"ey\n")).isEqualTo(nasty);
        assertThat(lines.get(0)).doesNotContain("\u0001").doesNotContain("\r");
    }

    @Test
    void rendersValuesAsJson() throws Exception {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a", 1);
        nested.put("b", List.of("x", 2.5));
        Log.get("v")
                .info(
                        "values",
                        "nested",
                        nested,
                        "none",
                        null,
                        "opt",
                        Optional.of("o"),
                        "empty",
                        Optional.empty(),
                        "nan",
                        Double.NaN,
                        "big",
                        new java.math.BigDecimal("1.50"),
                        "error",
                        new IllegalStateException("outer", new java.io.IOException("inner")),
                        "odd");

        Map<String, Object> line = parse(lines().get(0));
        assertThat(line.get("nested")).isEqualTo(Map.of("a", 1L, "b", List.of("x", 2.5)));
        assertThat(line.get("none")).isEqualTo("<null>");
        assertThat(line.get("opt")).isEqualTo("o");
        assertThat(line.get("empty")).isEqualTo("<null>");
        assertThat(line.get("nan")).isEqualTo("NaN");
        assertThat(line.get("big")).isEqualTo(1.5);
        assertThat((String) line.get("error")).contains("outer").contains("inner");
        assertThat(line.get("EXTRA_VALUE_AT_END")).isEqualTo("odd");
    }

    @Test
    void filtersBelowTheThreshold() throws Exception {
        Log.setThreshold(Level.WARN);
        Log log = Log.get("f");
        log.trace("t");
        log.debug("d");
        log.info("i");
        log.warn("w");
        log.error("e");

        assertThat(lines())
                .extracting(l -> {
                    try {
                        return parse(l).get("@level");
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .containsExactly("warn", "error");
        assertThat(log.isDebugEnabled()).isFalse();
        assertThat(log.isEnabled(Level.ERROR)).isTrue();
    }

    @Test
    void moduleNames() {
        assertThat(Log.get("").module()).isEqualTo("provider");
        assertThat(Log.get("ssh").module()).isEqualTo("provider.ssh");
        assertThat(Log.get(LogTest.class).module()).isEqualTo("provider.logtest");
    }

    @Test
    void concurrentWritersNeverInterleaveLines() throws Exception {
        int threads = 8;
        int perThread = 200;
        List<byte[]> writes = new ArrayList<>();
        Log.setOutput(new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("lines must be written in one call");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (writes) {
                    writes.add(java.util.Arrays.copyOfRange(b, off, off + len));
                }
            }
        });
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    Log.get("c").info("message " + i, "thread", id, "payload", "x".repeat(500));
                }
            });
            workers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(30_000);
        }

        assertThat(writes).hasSize(threads * perThread);
        for (byte[] write : writes) {
            String line = new String(write, StandardCharsets.UTF_8);
            assertThat(line).endsWith("\n");
            parse(line.strip());
        }
    }

    @Test
    void thresholdFromTerraformEnvironment() {
        assertThat(LogThreshold.fromEnvironment(Map.of())).isEqualTo(Level.WARN);
        assertThat(LogThreshold.fromEnvironment(Map.of("TF_LOG", "off"))).isEqualTo(Level.WARN);
        assertThat(LogThreshold.fromEnvironment(Map.of("TF_LOG", "debug"))).isEqualTo(Level.DEBUG);
        assertThat(LogThreshold.fromEnvironment(Map.of("TF_LOG", "Info"))).isEqualTo(Level.INFO);
        assertThat(LogThreshold.fromEnvironment(Map.of("TF_LOG", "JSON"))).isEqualTo(Level.TRACE);
        assertThat(LogThreshold.fromEnvironment(Map.of("TF_LOG", "loud"))).isEqualTo(Level.TRACE);
        assertThat(LogThreshold.fromEnvironment(Map.of("TF_LOG", "trace", "TF_LOG_PROVIDER", "error")))
                .isEqualTo(Level.ERROR);
        assertThat(LogThreshold.fromEnvironment(Map.of("TF_LOG", "info", "TF_LOG_PROVIDER", "")))
                .isEqualTo(Level.INFO);
    }

    @Test
    void javaUtilLoggingIsRoutedToJsonLines() throws Exception {
        Log.setThreshold(Level.INFO);
        JulBridge.setLibraryThreshold(Level.TRACE);
        JulBridge.install();
        Logger jul = Logger.getLogger("com.example.Library");
        jul.info("hello {0}");
        jul.log(java.util.logging.Level.INFO, "value {0}", 42);
        jul.fine("too detailed");
        jul.log(java.util.logging.Level.SEVERE, "broken", new RuntimeException("boom"));

        List<String> lines = lines();
        assertThat(lines).hasSize(3);
        Map<String, Object> first = parse(lines.get(0));
        assertThat(first)
                .containsEntry("@level", "info")
                .containsEntry("@module", "provider.jul")
                .containsEntry("logger", "com.example.Library")
                .containsEntry("@message", "hello {0}");
        assertThat(parse(lines.get(1))).containsEntry("@message", "value 42");
        Map<String, Object> third = parse(lines.get(2));
        assertThat(third).containsEntry("@level", "error");
        assertThat((String) third.get("error")).contains("boom");
    }

    @Test
    void librariesLogOnlyWarningsUnlessAskedEvenUnderTrace() throws Exception {
        Log.setThreshold(Level.TRACE);
        JulBridge.install();
        Logger netty = Logger.getLogger("io.netty.buffer.PooledByteBufAllocator");
        netty.fine("-Dio.netty.allocator.numHeapArenas: 2");
        netty.info("chatty");
        netty.warning("a real problem");
        Log.get("").debug("the provider's own line");

        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(parse(lines.get(0))).containsEntry("@message", "a real problem");
        assertThat(parse(lines.get(1))).containsEntry("@message", "the provider's own line");
    }

    @Test
    void theLibraryThresholdComesFromItsOwnVariable() {
        assertThat(LogThreshold.librariesFromEnvironment(Map.of("TF_LOG", "trace")))
                .isEqualTo(Level.WARN);
        assertThat(LogThreshold.librariesFromEnvironment(Map.of("TF_JVM_LOG_LIBRARIES", "debug")))
                .isEqualTo(Level.DEBUG);
        assertThat(LogThreshold.librariesFromEnvironment(Map.of("TF_JVM_LOG_LIBRARIES", "nonsense")))
                .isEqualTo(Level.WARN);
    }

    @Test
    void fieldsAddedWithWithAppearOnEveryLineBeforeTheLinesOwn() throws Exception {
        Log op = Log.get("").with("tf_operation", "plan t_thing", "tf_req_id", "r1");
        op.with("host", "h1").info("connected", "port", 22);
        op.info("done");

        List<String> lines = lines();
        assertThat(parse(lines.get(0)))
                .containsEntry("tf_operation", "plan t_thing")
                .containsEntry("tf_req_id", "r1")
                .containsEntry("host", "h1")
                .containsEntry("port", 22L);
        assertThat(parse(lines.get(1))).containsEntry("tf_req_id", "r1").doesNotContainKey("host");
    }

    @Test
    void maskedFieldsNeverShowTheirValue() throws Exception {
        Log.get("ssh")
                .masking("password", "private_key")
                .with("password", "hunter2")
                .warn("auth", "private_key", "-----BEGIN KEY", "user", "root");

        String line = lines().get(0);
        assertThat(line).doesNotContain("hunter2").doesNotContain("BEGIN KEY");
        assertThat(parse(line))
                .containsEntry("password", Log.MASK)
                .containsEntry("private_key", Log.MASK)
                .containsEntry("user", "root");
    }

    @Test
    void aLogValueChoosesHowItIsWritten() throws Exception {
        LogValue secretive = () -> Map.of("shown", "yes");
        Log.get("").info("value", "v", secretive);
        assertThat(parse(lines().get(0))).containsEntry("v", Map.of("shown", "yes"));
    }
}
