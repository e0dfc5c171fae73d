package dev.tfjvm.cty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile or damaged input must end in a {@link CtyDecodeException}: never another exception,
 * a hang, deep recursion or an allocation sized by a length the input merely claims.
 */
class CtyMalformedInputTest {

    private static final CtyType.ObjectType SCHEMA = CtyType.object(Map.of(
            "id", CtyType.STRING,
            "size", CtyType.NUMBER,
            "big", CtyType.NUMBER,
            "on", CtyType.BOOL,
            "tags", CtyType.map(CtyType.STRING),
            "rules", CtyType.list(CtyType.object(Map.of("port", CtyType.NUMBER, "cidrs", CtyType.set(CtyType.STRING)))),
            "pair", CtyType.tuple(List.of(CtyType.STRING, CtyType.NUMBER)),
            "extra", CtyType.DYNAMIC,
            "later", CtyType.STRING,
            "count", CtyType.NUMBER));

    private static CtyValue sample() {
        CtyType.ObjectType rule = CtyType.object(Map.of("port", CtyType.NUMBER, "cidrs", CtyType.set(CtyType.STRING)));
        return CtyValue.object(
                SCHEMA,
                Map.of(
                        "id", CtyValue.string("vm-\u00e9\ud83d\ude00"),
                        "size", CtyValue.number(new BigDecimal("1.5")),
                        "big", CtyValue.number(new BigDecimal(BigInteger.TWO.pow(200))),
                        "on", CtyValue.bool(true),
                        "tags",
                                CtyValue.map(
                                        CtyType.STRING,
                                        Map.of(
                                                "env",
                                                CtyValue.string("prod"),
                                                "none",
                                                CtyValue.nullOf(CtyType.STRING))),
                        "rules",
                                CtyValue.list(
                                        rule,
                                        List.of(
                                                CtyValue.object(
                                                        rule,
                                                        Map.of(
                                                                "port",
                                                                CtyValue.number(22),
                                                                "cidrs",
                                                                CtyValue.set(
                                                                        CtyType.STRING,
                                                                        List.of(CtyValue.string("10.0.0.0/8"))))),
                                                CtyValue.object(rule, Map.of("port", CtyValue.number(70000))))),
                        "pair", CtyValue.tuple(List.of(CtyValue.string("a"), CtyValue.number(new BigDecimal("0.1")))),
                        "extra",
                                CtyValue.object(
                                        Map.of("k", CtyValue.list(CtyType.NUMBER, List.of(CtyValue.number(-3)))))));
    }

    private static CtyValue sampleWithUnknowns() {
        CtyValue.ObjectVal v = (CtyValue.ObjectVal) sample();
        return v.with(
                        "later",
                        CtyValue.unknown(
                                CtyType.STRING, Refinements.NONE.withNotNull().withStringPrefix("vm-")))
                .with("count", CtyValue.unknown(CtyType.NUMBER, Refinements.NONE.withLowerBound(CtyNumber.of(1), true)))
                .with("extra", CtyValue.unknown(CtyType.DYNAMIC));
    }

    private interface Decode {
        CtyValue run() throws Exception;
    }

    /** The decode either succeeds or fails with CtyDecodeException; anything else fails the test. */
    private static void decodesOrFailsCleanly(Decode decode, java.util.function.Supplier<String> where) {
        try {
            decode.run();
        } catch (CtyDecodeException expected) {
            assertThat(expected.getMessage()).as(where).isNotBlank().doesNotContain("internal decoder error");
        } catch (Throwable t) {
            fail("unexpected " + t + " for " + where.get(), t);
        }
    }

    // ---- msgpack ----------------------------------------------------------------------------

    @Test
    void everyTruncationOfValidMsgpackIsADecodeError() throws Exception {
        for (CtyValue v : List.of(sample(), sampleWithUnknowns())) {
            byte[] full = CtyMsgpack.encode(v, SCHEMA);
            assertThat(CtyMsgpack.decode(full, SCHEMA)).isEqualTo(v);
            for (int len = 0; len < full.length; len++) {
                byte[] cut = Arrays.copyOf(full, len);
                assertThatThrownBy(() -> CtyMsgpack.decode(cut, SCHEMA))
                        .as("truncated to %d of %d bytes", len, full.length)
                        .isInstanceOf(CtyDecodeException.class)
                        .hasMessageNotContaining("internal decoder error");
            }
        }
    }

    @Test
    void trailingBytesAreADecodeError() throws Exception {
        byte[] full = CtyMsgpack.encode(sample(), SCHEMA);
        byte[] longer = Arrays.copyOf(full, full.length + 1);
        assertThatThrownBy(() -> CtyMsgpack.decode(longer, SCHEMA))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("after the end");
    }

    @Test
    void randomlyCorruptedMsgpackDecodesOrFailsCleanly() throws Exception {
        Random random = new Random(4242);
        List<byte[]> originals = List.of(
                CtyMsgpack.encode(sample(), SCHEMA),
                CtyMsgpack.encode(sampleWithUnknowns(), SCHEMA),
                CtyMsgpack.encode(sample(), CtyType.DYNAMIC));
        for (int i = 0; i < 10_000; i++) {
            byte[] original = originals.get(i % originals.size());
            CtyType schema = i % originals.size() == 2 ? CtyType.DYNAMIC : SCHEMA;
            byte[] damaged = mutate(original, random);
            int n = i;
            decodesOrFailsCleanly(
                    () -> CtyMsgpack.decode(damaged, schema), () -> "mutation " + n + ": " + Hex.of(damaged));
        }
    }

    @Test
    void randomBytesDecodeOrFailCleanlyForEverySchemaKind() {
        Random random = new Random(77);
        List<CtyType> schemas = List.of(
                CtyType.STRING,
                CtyType.NUMBER,
                CtyType.BOOL,
                CtyType.DYNAMIC,
                CtyType.list(CtyType.DYNAMIC),
                CtyType.set(CtyType.NUMBER),
                CtyType.map(CtyType.STRING),
                CtyType.tuple(List.of(CtyType.STRING, CtyType.DYNAMIC)),
                SCHEMA);
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[1 + random.nextInt(40)];
            random.nextBytes(junk);
            CtyType schema = schemas.get(i % schemas.size());
            decodesOrFailsCleanly(() -> CtyMsgpack.decode(junk, schema), () -> schema + " " + Hex.of(junk));
        }
    }

    @Test
    void wrongContainerKindsAreReported() {
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("90"), SCHEMA))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("object is required, but found an array");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("80"), CtyType.list(CtyType.STRING)))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("list is required, but found a map");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("a1 61"), CtyType.map(CtyType.STRING)))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("map is required, but found a string");
        assertThatThrownBy(() ->
                        CtyMsgpack.decode(Hex.bytes("91 01"), CtyType.tuple(List.of(CtyType.NUMBER, CtyType.NUMBER))))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("a tuple of length 2 is required (1 elements given)");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("93 01 02 03"), CtyType.DYNAMIC))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("exactly 2 elements");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("92 c4 05 22 62 61 64 22 01"), CtyType.DYNAMIC))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("unknown primitive type \"bad\"");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("81 01 a1 61"), CtyType.map(CtyType.STRING)))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("map key (string) is required");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("a2 c3 28"), CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("c1"), CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("invalid msgpack byte 0xc1");
        assertThatThrownBy(() -> CtyMsgpack.decode(new byte[0], CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("end of input");
    }

    @Test
    void absurdDeclaredLengthsFailWithoutAllocating() {
        for (String header : List.of(
                "dd ff ff ff ff",
                "dc ff ff",
                "df ff ff ff ff",
                "de ff ff",
                "db ff ff ff ff",
                "da ff ff",
                "c6 ff ff ff ff",
                "c9 ff ff ff ff 0c",
                "c9 7f ff ff ff 00",
                "c8 ff ff 0c")) {
            for (CtyType schema : List.of(
                    CtyType.list(CtyType.STRING),
                    CtyType.map(CtyType.STRING),
                    CtyType.STRING,
                    CtyType.DYNAMIC,
                    SCHEMA,
                    CtyType.set(CtyType.DYNAMIC))) {
                byte[] bytes = Hex.bytes(header + " 00 00 00");
                assertThatThrownBy(() -> CtyMsgpack.decode(bytes, schema))
                        .as(header + " as " + schema)
                        .isInstanceOf(CtyDecodeException.class);
            }
        }
        // The same, nested inside an otherwise valid object.
        byte[] nested = Hex.bytes("81 a4 74 61 67 73 df ff ff ff ff a1 61");
        assertThatThrownBy(() -> CtyMsgpack.decode(nested, CtyType.object(Map.of("tags", CtyType.map(CtyType.STRING)))))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("tags: truncated data: map claims 4294967295 entries");
    }

    @Test
    void hugeNumbersAreRefusedNotExpanded() {
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("a9 " + Hex.of("1e9999999".getBytes())), CtyType.NUMBER))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("too large");
        assertThatThrownBy(() -> CtyJson.decode("1e999999999".getBytes(), CtyType.NUMBER))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void msgpackNested100kDeepFailsAtTheDepthLimit() {
        int depth = 100_000;
        byte[] arrays = new byte[depth + 1];
        Arrays.fill(arrays, (byte) 0x91);
        arrays[depth] = (byte) 0xc0;
        CtyType deep = CtyType.STRING;
        for (int i = 0; i < depth; i++) {
            deep = CtyType.list(deep);
        }
        CtyType schema = deep;
        assertThatThrownBy(() -> CtyMsgpack.decode(arrays, schema))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("nested deeper than 512");

        // Dynamic values inside dynamic values: [ "dynamic", [ "dynamic", ... ] ]
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < depth; i++) {
            out.writeBytes(Hex.bytes("92 c4 09"));
            out.writeBytes("\"dynamic\"".getBytes(UTF_8));
        }
        out.write(0xc0);
        byte[] dynamics = out.toByteArray();
        assertThatThrownBy(() -> CtyMsgpack.decode(dynamics, CtyType.DYNAMIC))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("nested deeper than 512");

        // Skipped refinement values are depth-limited too.
        ByteArrayOutputStream refinement = new ByteArrayOutputStream();
        refinement.writeBytes(Hex.bytes("81 09"));
        for (int i = 0; i < 1000; i++) {
            refinement.write(0x91);
        }
        refinement.write(0xc0);
        byte[] payload = refinement.toByteArray();
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        ext.writeBytes(Hex.bytes("c8"));
        ext.write(payload.length >> 8);
        ext.write(payload.length & 0xff);
        ext.write(0x0c);
        ext.writeBytes(payload);
        byte[] deepRefinement = ext.toByteArray();
        assertThatThrownBy(() -> CtyMsgpack.decode(deepRefinement, CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("nested deeper than 512");
    }

    @Test
    void encodingRefusesValuesNestedBeyondTheLimit() {
        CtyType t = CtyType.STRING;
        CtyValue v = CtyValue.string("x");
        for (int i = 0; i < 600; i++) {
            t = CtyType.list(t);
            v = CtyValue.list(((CtyType.ListType) t).element(), List.of(v));
        }
        CtyType schema = t;
        CtyValue value = v;
        assertThatThrownBy(() -> CtyMsgpack.encode(value, schema))
                .isInstanceOf(CtyEncodeException.class)
                .hasMessageContaining("nested deeper than 512");
        assertThatThrownBy(() -> CtyJson.encode(value, schema))
                .isInstanceOf(CtyEncodeException.class)
                .hasMessageContaining("nested deeper than 512");
    }

    // ---- JSON -------------------------------------------------------------------------------

    @Test
    void everyTruncationOfValidJsonIsADecodeError() throws Exception {
        byte[] full = CtyJson.encode(sample(), SCHEMA);
        assertThat(CtyJson.decode(full, SCHEMA)).isEqualTo(sample());
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> CtyJson.decode(cut, SCHEMA))
                    .as("truncated to %d of %d bytes", len, full.length)
                    .isInstanceOf(CtyDecodeException.class)
                    .hasMessageNotContaining("internal decoder error");
        }
        byte[] dynamic = CtyJson.encode(sample(), CtyType.DYNAMIC);
        for (int len = 0; len < dynamic.length; len++) {
            byte[] cut = Arrays.copyOf(dynamic, len);
            assertThatThrownBy(() -> CtyJson.decode(cut, CtyType.DYNAMIC))
                    .as("truncated to %d of %d bytes", len, dynamic.length)
                    .isInstanceOf(CtyDecodeException.class)
                    .hasMessageNotContaining("internal decoder error");
        }
    }

    @Test
    void randomlyCorruptedJsonDecodesOrFailsCleanly() throws Exception {
        Random random = new Random(9001);
        byte[] plain = CtyJson.encode(sample(), SCHEMA);
        byte[] dynamic = CtyJson.encode(sample(), CtyType.DYNAMIC);
        for (int i = 0; i < 10_000; i++) {
            boolean dyn = i % 2 == 1;
            byte[] damaged = mutate(dyn ? dynamic : plain, random);
            int n = i;
            CtyType schema = dyn ? CtyType.DYNAMIC : SCHEMA;
            decodesOrFailsCleanly(
                    () -> CtyJson.decode(damaged, schema), () -> "mutation " + n + ": " + new String(damaged, UTF_8));
        }
    }

    @Test
    void jsonNested100kDeepFailsCleanly() {
        int depth = 100_000;
        String arrays = "[".repeat(depth) + "]".repeat(depth);
        CtyType deep = CtyType.STRING;
        for (int i = 0; i < 600; i++) {
            deep = CtyType.list(deep);
        }
        CtyType schema = deep;
        assertThatThrownBy(() -> CtyJson.decode(arrays.getBytes(UTF_8), schema)).isInstanceOf(CtyDecodeException.class);
        assertThatThrownBy(() -> CtyJson.decode(arrays.getBytes(UTF_8), CtyType.DYNAMIC))
                .isInstanceOf(CtyDecodeException.class);
        // Value before type: the buffering copy must not recurse or accept it either.
        String valueFirst = "{\"value\":" + arrays + ",\"type\":\"dynamic\"}";
        assertThatThrownBy(() -> CtyJson.decode(valueFirst.getBytes(UTF_8), CtyType.DYNAMIC))
                .isInstanceOf(CtyDecodeException.class);
        String dynamics = "{\"type\":\"dynamic\",\"value\":".repeat(depth) + "null" + "}".repeat(depth);
        assertThatThrownBy(() -> CtyJson.decode(dynamics.getBytes(UTF_8), CtyType.DYNAMIC))
                .isInstanceOf(CtyDecodeException.class);
        String types = "[\"list\",".repeat(depth) + "\"string\"" + "]".repeat(depth);
        assertThatThrownBy(() -> CtyType.fromJson(types.getBytes(UTF_8))).isInstanceOf(CtyDecodeException.class);
    }

    @Test
    void malformedJsonIsReported() {
        assertThatThrownBy(() -> CtyJson.decode("".getBytes(), CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("empty JSON");
        assertThatThrownBy(() -> CtyJson.decode("\"a\" \"b\"".getBytes(), CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class);
        assertThatThrownBy(() -> CtyJson.decode("{\"id\": }".getBytes(), SCHEMA))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> CtyJson.decode("[1,2]".getBytes(), SCHEMA))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("object is required, but found an array");
        assertThatThrownBy(() -> CtyJson.decode(new byte[] {(byte) 0xff, (byte) 0xfe}, CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** One to three random edits: flip a byte, overwrite with an interesting byte, insert, delete or cut. */
    private static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                case 2 -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
                case 3 -> {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter;
                }
                default -> b = Arrays.copyOf(b, at);
            }
        }
        return b;
    }

    private static final byte[] INTERESTING = toBytes(List.of(
            0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcf, 0xd3, 0xd4, 0xd8, 0xdb, 0xdd, 0xdf, 0x9f,
            0x8f, 0xbf, 0xff, 0x00, 0x0c, (int) '"', (int) '[', (int) '{', (int) '}', (int) ']', (int) ',', (int) ':',
            (int) '9'));

    private static byte[] toBytes(List<Integer> ints) {
        byte[] out = new byte[ints.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (int) ints.get(i);
        }
        return out;
    }
}
