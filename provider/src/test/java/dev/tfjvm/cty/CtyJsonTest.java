package dev.tfjvm.cty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtyJsonTest {

    private static String json(CtyValue v, CtyType t) throws CtyEncodeException {
        return new String(CtyJson.encode(v, t), UTF_8);
    }

    private static CtyValue decode(String json, CtyType t) throws CtyDecodeException {
        return CtyJson.decode(json.getBytes(UTF_8), t);
    }

    private static void roundTrip(CtyValue v, CtyType t) throws Exception {
        assertThat(CtyJson.decode(CtyJson.encode(v, t), t)).isEqualTo(v);
    }

    private static final CtyType.ObjectType RESOURCE = CtyType.object(Map.of(
            "id", CtyType.STRING,
            "size", CtyType.NUMBER,
            "tags", CtyType.map(CtyType.STRING),
            "ports", CtyType.list(CtyType.NUMBER),
            "enabled", CtyType.BOOL));

    @Test
    void objectsAreJsonObjectsWithEveryAttributeSorted() throws Exception {
        CtyValue v = CtyValue.object(
                RESOURCE,
                Map.of(
                        "id", CtyValue.string("r-1"),
                        "tags",
                                CtyValue.map(
                                        CtyType.STRING, Map.of("b", CtyValue.string("2"), "a", CtyValue.string("1"))),
                        "ports", CtyValue.list(CtyType.NUMBER, List.of(CtyValue.number(22), CtyValue.number(443)))));
        assertThat(json(v, RESOURCE))
                .isEqualTo(
                        "{\"enabled\":null,\"id\":\"r-1\",\"ports\":[22,443],\"size\":null,\"tags\":{\"a\":\"1\",\"b\":\"2\"}}");
    }

    @Test
    void numbersAreWrittenInFullPrecisionWithoutExponent() throws Exception {
        assertThat(json(CtyValue.number(new BigDecimal(BigInteger.TWO.pow(200))), CtyType.NUMBER))
                .isEqualTo("1606938044258990275541962092341162602522202993782792835301376");
        assertThat(json(CtyValue.number(new BigDecimal("1e-300")), CtyType.NUMBER))
                .isEqualTo("0." + "0".repeat(299) + "1");
        assertThat(json(CtyValue.number(new BigDecimal("1.50")), CtyType.NUMBER))
                .isEqualTo("1.5");
        assertThat(decode("1e-300", CtyType.NUMBER)).isEqualTo(CtyValue.number(new BigDecimal("1e-300")));
        assertThat(decode("123456789012345678901234567890.123456789012345678901234567890", CtyType.NUMBER))
                .isEqualTo(CtyValue.number(
                        new BigDecimal("123456789012345678901234567890.12345678901234567890123456789")));
    }

    @Test
    void dynamicValuesAreValueAndTypeObjects() throws Exception {
        assertThat(json(CtyValue.string("hi"), CtyType.DYNAMIC)).isEqualTo("{\"value\":\"hi\",\"type\":\"string\"}");
        assertThat(json(CtyValue.nullOf(CtyType.DYNAMIC), CtyType.DYNAMIC)).isEqualTo("null");
        assertThat(json(CtyValue.nullOf(CtyType.NUMBER), CtyType.DYNAMIC))
                .isEqualTo("{\"value\":null,\"type\":\"number\"}");
        CtyValue list = CtyValue.list(CtyType.NUMBER, List.of(CtyValue.number(1)));
        assertThat(json(list, CtyType.DYNAMIC)).isEqualTo("{\"value\":[1],\"type\":[\"list\",\"number\"]}");
        // Either key order decodes.
        assertThat(decode("{\"type\":[\"list\",\"number\"],\"value\":[1]}", CtyType.DYNAMIC))
                .isEqualTo(list);
        assertThat(decode("{\"value\":[1],\"type\":[\"list\",\"number\"]}", CtyType.DYNAMIC))
                .isEqualTo(list);
        assertThat(decode("null", CtyType.DYNAMIC)).isEqualTo(CtyValue.nullOf(CtyType.DYNAMIC));
        // A value before its type is buffered without losing number precision.
        assertThat(decode("{\"value\":[0.1000000000000000000001],\"type\":[\"list\",\"number\"]}", CtyType.DYNAMIC))
                .isEqualTo(CtyValue.list(
                        CtyType.NUMBER, List.of(CtyValue.number(new BigDecimal("0.1000000000000000000001")))));
        assertThatThrownBy(() -> decode("{\"value\":1}", CtyType.DYNAMIC))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("both \"value\" and \"type\"");
        assertThatThrownBy(() -> decode("{\"value\":1,\"type\":\"number\",\"x\":1}", CtyType.DYNAMIC))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("unexpected key \"x\"");
    }

    @Test
    void absentAttributesAreNullAndUnknownOnesAreErrors() throws Exception {
        CtyValue v = decode("{\"id\":\"x\"}", RESOURCE);
        assertThat(v).isEqualTo(CtyValue.object(RESOURCE, Map.of("id", CtyValue.string("x"))));
        assertThatThrownBy(() -> decode("{\"id\":\"x\",\"gone\":1}", RESOURCE))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("unsupported attribute \"gone\"");
        assertThatThrownBy(() -> decode("{\"id\":\"x\",\"id\":\"y\"}", RESOURCE))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("Duplicate");
    }

    @Test
    void lenientPrimitiveConversionsAsGoCtyDoes() throws Exception {
        assertThat(decode("12", CtyType.STRING)).isEqualTo(CtyValue.string("12"));
        assertThat(decode("true", CtyType.STRING)).isEqualTo(CtyValue.string("true"));
        assertThat(decode("\"12.5\"", CtyType.NUMBER)).isEqualTo(CtyValue.number(new BigDecimal("12.5")));
        assertThat(decode("\"false\"", CtyType.BOOL)).isEqualTo(CtyValue.bool(false));
        assertThatThrownBy(() -> decode("\"yes\"", CtyType.BOOL))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("bool is required");
        assertThatThrownBy(() -> decode("\"twelve\"", CtyType.NUMBER))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("number is required");
        assertThatThrownBy(() -> decode("[1]", CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("string is required, but found an array");
    }

    @Test
    void unknownsAndInfinitiesCannotBeWritten() {
        assertThatThrownBy(() -> CtyJson.encode(CtyValue.unknown(CtyType.STRING), CtyType.STRING))
                .isInstanceOf(CtyEncodeException.class)
                .hasMessageContaining("unknown");
        CtyType lt = CtyType.list(CtyType.NUMBER);
        CtyEncodeException e = org.junit.jupiter.api.Assertions.assertThrows(
                CtyEncodeException.class,
                () -> CtyJson.encode(
                        CtyValue.list(
                                CtyType.NUMBER,
                                List.of(CtyValue.number(1), CtyValue.number(CtyNumber.POSITIVE_INFINITY))),
                        lt));
        assertThat(e.path()).isEqualTo(CtyPath.ROOT.index(1));
        assertThat(e.getMessage()).contains("infinity");
    }

    @Test
    void errorsCarryThePath() {
        CtyType t = CtyType.object(Map.of("rule", CtyType.list(CtyType.object(Map.of("name", CtyType.STRING)))));
        CtyDecodeException e = org.junit.jupiter.api.Assertions.assertThrows(
                CtyDecodeException.class, () -> decode("{\"rule\":[{\"name\":\"a\"},{\"name\":{}}]}", t));
        assertThat(e.path().toString()).isEqualTo("rule[1].name");
        assertThat(e.getMessage()).isEqualTo("rule[1].name: string is required, but found an object");
    }

    @Test
    void roundTripsAllKindsIncludingNullsInside() throws Exception {
        CtyType.ObjectType inner = CtyType.object(Map.of("n", CtyType.NUMBER, "s", CtyType.set(CtyType.STRING)));
        CtyType.ObjectType t = CtyType.object(Map.of(
                "list", CtyType.list(inner),
                "map", CtyType.map(CtyType.BOOL),
                "tuple", CtyType.tuple(List.of(CtyType.STRING, CtyType.NUMBER, CtyType.DYNAMIC)),
                "set", CtyType.set(CtyType.NUMBER),
                "dyn", CtyType.DYNAMIC));
        CtyValue v = CtyValue.object(
                t,
                Map.of(
                        "list",
                                CtyValue.list(
                                        inner,
                                        List.of(
                                                CtyValue.object(
                                                        inner, Map.of("n", CtyValue.number(CtyNumber.parse("-1.25")))),
                                                CtyValue.nullOf(inner),
                                                CtyValue.object(
                                                        inner,
                                                        Map.of(
                                                                "s",
                                                                CtyValue.set(
                                                                        CtyType.STRING,
                                                                        List.of(
                                                                                CtyValue.string("a"),
                                                                                CtyValue.string(
                                                                                        "\u00e9\ud83d\ude00"))))))),
                        "map",
                                CtyValue.map(
                                        CtyType.BOOL,
                                        Map.of("t", CtyValue.bool(true), "n", CtyValue.nullOf(CtyType.BOOL))),
                        "tuple",
                                CtyValue.tuple(List.of(
                                        CtyValue.string("x"),
                                        CtyValue.nullOf(CtyType.NUMBER),
                                        CtyValue.map(CtyType.NUMBER, Map.of()))),
                        "set", CtyValue.set(CtyType.NUMBER, List.of()),
                        "dyn", CtyValue.object(Map.of("deep", CtyValue.tuple(List.of(CtyValue.bool(true)))))));
        roundTrip(v, t);
        roundTrip(v, CtyType.DYNAMIC);
        roundTrip(CtyValue.nullOf(t), t);
    }
}
