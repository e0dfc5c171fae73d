package dev.tfjvm.cty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtyMsgpackTest {

    private static final CtyType.ObjectType AB = CtyType.object(Map.of("a", CtyType.STRING, "b", CtyType.STRING));

    private static String encodeHex(CtyValue v, CtyType t) throws CtyEncodeException {
        return Hex.of(CtyMsgpack.encode(v, t));
    }

    private static CtyValue roundTrip(CtyValue v, CtyType t) throws Exception {
        CtyValue back = CtyMsgpack.decode(CtyMsgpack.encode(v, t), t);
        assertThat(back).isEqualTo(v);
        return back;
    }

    // ---- golden bytes ---------------------------------------------------------------------

    @Test
    void objectWithNullAttributeHasOneKeyPerAttributeSorted() throws Exception {
        CtyValue v = CtyValue.object(AB, Map.of("a", CtyValue.string("x")));
        assertThat(encodeHex(v, AB)).isEqualTo("82 a1 61 a1 78 a1 62 c0");
    }

    @Test
    void plainUnknownIsFixext1ZeroZero() throws Exception {
        assertThat(encodeHex(CtyValue.unknown(CtyType.STRING), CtyType.STRING)).isEqualTo("d4 00 00");
        assertThat(encodeHex(CtyValue.unknown(CtyType.DYNAMIC), CtyType.DYNAMIC))
                .isEqualTo("d4 00 00");
    }

    @Test
    void everyFiniteNumberIsItsDecimalText() throws Exception {
        // Decimal text is what go-cty decodes exactly as it decodes the JSON state file; a msgpack
        // int would decode to a different big.Float and make Terraform 1.11-1.14 see drift.
        assertThat(encodeHex(CtyValue.number(1), CtyType.NUMBER)).isEqualTo("a1 31");
        assertThat(encodeHex(CtyValue.number(-1), CtyType.NUMBER)).isEqualTo("a2 2d 31");
        assertThat(encodeHex(CtyValue.number(Long.MAX_VALUE), CtyType.NUMBER))
                .isEqualTo("b3 " + Hex.of("9223372036854775807".getBytes()));
        assertThat(encodeHex(CtyValue.number(new BigDecimal("1.5")), CtyType.NUMBER))
                .isEqualTo("a3 31 2e 35");
        assertThat(encodeHex(CtyValue.number(new BigDecimal(BigInteger.TWO.pow(70))), CtyType.NUMBER))
                .isEqualTo("b6 " + Hex.of("1180591620717411303424".getBytes()));
        assertThat(encodeHex(CtyValue.number(new BigDecimal("0.1")), CtyType.NUMBER))
                .isEqualTo("a3 30 2e 31");
        // Trailing zeros and exponents never show: 2.50 is "2.5", 1E+3 is "1000".
        assertThat(encodeHex(CtyValue.number(new BigDecimal("2.50")), CtyType.NUMBER))
                .isEqualTo("a3 32 2e 35");
        assertThat(encodeHex(CtyValue.number(new BigDecimal("1E+3")), CtyType.NUMBER))
                .isEqualTo("a4 31 30 30 30");
        // JSON has no infinities, so nothing compares them with a JSON-decoded value: float64.
        assertThat(encodeHex(CtyValue.number(CtyNumber.POSITIVE_INFINITY), CtyType.NUMBER))
                .isEqualTo("cb 7f f0 00 00 00 00 00 00");
        assertThat(encodeHex(CtyValue.number(CtyNumber.NEGATIVE_INFINITY), CtyType.NUMBER))
                .isEqualTo("cb ff f0 00 00 00 00 00 00");
    }

    @Test
    void numbersAreReadInEveryFormTerraformWrites() throws Exception {
        assertThat(CtyMsgpack.decode(Hex.bytes("01"), CtyType.NUMBER)).isEqualTo(CtyValue.number(1));
        assertThat(CtyMsgpack.decode(Hex.bytes("cb 3f f8 00 00 00 00 00 00"), CtyType.NUMBER))
                .isEqualTo(CtyValue.number(new BigDecimal("1.5")));
        assertThat(CtyMsgpack.decode(Hex.bytes("a3 30 2e 31"), CtyType.NUMBER))
                .isEqualTo(CtyValue.number(new BigDecimal("0.1")));
    }

    @Test
    void primitivesAndCollections() throws Exception {
        assertThat(encodeHex(CtyValue.bool(true), CtyType.BOOL)).isEqualTo("c3");
        assertThat(encodeHex(CtyValue.nullOf(CtyType.BOOL), CtyType.BOOL)).isEqualTo("c0");
        assertThat(encodeHex(CtyValue.string(""), CtyType.STRING)).isEqualTo("a0");
        CtyType ls = CtyType.list(CtyType.STRING);
        assertThat(encodeHex(CtyValue.list(CtyType.STRING, List.of(CtyValue.string("a"), CtyValue.string("b"))), ls))
                .isEqualTo("92 a1 61 a1 62");
        assertThat(encodeHex(CtyValue.list(CtyType.STRING, List.of()), ls)).isEqualTo("90");
        CtyType mn = CtyType.map(CtyType.NUMBER);
        assertThat(encodeHex(CtyValue.map(CtyType.NUMBER, Map.of("k", CtyValue.number(7))), mn))
                .isEqualTo("81 a1 6b a1 37");
        CtyType tup = CtyType.tuple(List.of(CtyType.STRING, CtyType.BOOL));
        assertThat(encodeHex(CtyValue.tuple(List.of(CtyValue.string("s"), CtyValue.bool(false))), tup))
                .isEqualTo("92 a1 73 c2");
    }

    @Test
    void dynamicValuesCarryTheirTypeJsonAsBinary() throws Exception {
        byte[] typeJson = "\"string\"".getBytes();
        assertThat(encodeHex(CtyValue.string("hi"), CtyType.DYNAMIC))
                .isEqualTo("92 c4 08 " + Hex.of(typeJson) + " a2 68 69");
        // A typed null or unknown under a dynamic schema keeps its type; an untyped one is bare.
        assertThat(encodeHex(CtyValue.nullOf(CtyType.STRING), CtyType.DYNAMIC))
                .isEqualTo("92 c4 08 " + Hex.of(typeJson) + " c0");
        assertThat(encodeHex(CtyValue.unknown(CtyType.STRING), CtyType.DYNAMIC))
                .isEqualTo("92 c4 08 " + Hex.of(typeJson) + " d4 00 00");
        assertThat(encodeHex(CtyValue.nullOf(CtyType.DYNAMIC), CtyType.DYNAMIC)).isEqualTo("c0");
    }

    @Test
    void refinedUnknownsUseExtension12WithIntKeyedMap() throws Exception {
        Refinements notNull = Refinements.NONE.withNotNull();
        assertThat(encodeHex(CtyValue.unknown(CtyType.STRING, notNull), CtyType.STRING))
                .isEqualTo("c7 03 0c 81 01 c2");
        assertThat(encodeHex(CtyValue.unknown(CtyType.STRING, notNull.withStringPrefix("ab")), CtyType.STRING))
                .isEqualTo("c7 07 0c 82 01 c2 02 a2 61 62");
        Refinements bounds =
                Refinements.NONE.withLowerBound(CtyNumber.of(0), true).withUpperBound(CtyNumber.of(10), false);
        assertThat(encodeHex(CtyValue.unknown(CtyType.NUMBER, bounds), CtyType.NUMBER))
                .isEqualTo("c7 09 0c 82 03 92 00 c3 04 92 0a c2");
        Refinements lengths = Refinements.NONE.withLengthMin(1).withLengthMax(5);
        CtyType ls = CtyType.list(CtyType.STRING);
        assertThat(encodeHex(CtyValue.unknown(ls, lengths), ls)).isEqualTo("c7 05 0c 82 05 01 06 05");
    }

    @Test
    void trivialRefinementsAreNormalisedAwaySoNoEmptyExtension12IsWritten() throws Exception {
        Refinements trivial = Refinements.NONE.withLengthMin(0).withLengthMax(Long.MAX_VALUE);
        assertThat(trivial.isEmpty()).isTrue();
        CtyType ls = CtyType.list(CtyType.STRING);
        assertThat(encodeHex(CtyValue.unknown(ls, trivial), ls)).isEqualTo("d4 00 00");
        Refinements infinite = Refinements.NONE
                .withLowerBound(CtyNumber.NEGATIVE_INFINITY, true)
                .withUpperBound(CtyNumber.POSITIVE_INFINITY, true);
        assertThat(encodeHex(CtyValue.unknown(CtyType.NUMBER, infinite), CtyType.NUMBER))
                .isEqualTo("d4 00 00");
    }

    @Test
    void longPrefixesAreCutAtACodePointSoThePayloadStaysSmall() throws Exception {
        String prefix = "\u00e9".repeat(200); // 400 UTF-8 bytes
        CtyValue v = CtyValue.unknown(CtyType.STRING, Refinements.NONE.withStringPrefix(prefix));
        byte[] bytes = CtyMsgpack.encode(v, CtyType.STRING);
        assertThat(bytes.length).isLessThan(300);
        CtyValue back = CtyMsgpack.decode(bytes, CtyType.STRING);
        String got = ((CtyValue.Unknown) back).refinements().stringPrefix().orElseThrow();
        assertThat(got).isEqualTo("\u00e9".repeat(128));
        assertThat(prefix).startsWith(got);
    }

    @Test
    void stringsAreWrittenInNfc() throws Exception {
        CtyValue decomposed = CtyValue.string("e\u0301");
        assertThat(encodeHex(decomposed, CtyType.STRING)).isEqualTo("a2 c3 a9");
        // Decoding normalises too.
        assertThat(CtyMsgpack.decode(Hex.bytes("a3 65 cc 81"), CtyType.STRING)).isEqualTo(CtyValue.string("\u00e9"));
    }

    // ---- decoding what other encoders write -------------------------------------------------

    @Test
    void decoderAcceptsEveryNumberEncoding() throws Exception {
        assertThat(CtyMsgpack.decode(Hex.bytes("cc ff"), CtyType.NUMBER)).isEqualTo(CtyValue.number(255));
        assertThat(CtyMsgpack.decode(Hex.bytes("d0 ff"), CtyType.NUMBER)).isEqualTo(CtyValue.number(-1));
        assertThat(CtyMsgpack.decode(Hex.bytes("d1 ff 00"), CtyType.NUMBER)).isEqualTo(CtyValue.number(-256));
        assertThat(CtyMsgpack.decode(Hex.bytes("cf ff ff ff ff ff ff ff ff"), CtyType.NUMBER))
                .isEqualTo(CtyValue.number(new BigDecimal("18446744073709551615")));
        assertThat(CtyMsgpack.decode(Hex.bytes("ca 3f c0 00 00"), CtyType.NUMBER))
                .isEqualTo(CtyValue.number(new BigDecimal("1.5")));
        assertThat(CtyMsgpack.decode(Hex.bytes("cb 3f f8 00 00 00 00 00 00"), CtyType.NUMBER))
                .isEqualTo(CtyValue.number(new BigDecimal("1.50")));
        assertThat(CtyMsgpack.decode(Hex.bytes("a3 31 65 33"), CtyType.NUMBER)).isEqualTo(CtyValue.number(1000));
        assertThat(CtyMsgpack.decode(Hex.bytes("ca 7f 80 00 00"), CtyType.NUMBER))
                .isEqualTo(CtyValue.number(CtyNumber.POSITIVE_INFINITY));
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("cb 7f f8 00 00 00 00 00 00"), CtyType.NUMBER))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("a3 61 62 63"), CtyType.NUMBER))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("number is required");
    }

    @Test
    void anyExtensionIsUnknownButOnlyExtension12CarriesRefinements() throws Exception {
        assertThat(CtyMsgpack.decode(Hex.bytes("d6 05 01 02 03 04"), CtyType.STRING))
                .isEqualTo(CtyValue.unknown(CtyType.STRING));
        assertThat(CtyMsgpack.decode(Hex.bytes("d4 0c 00"), CtyType.STRING))
                .isEqualTo(CtyValue.unknown(CtyType.STRING));
        assertThat(CtyMsgpack.decode(Hex.bytes("c7 00 00"), CtyType.STRING))
                .isEqualTo(CtyValue.unknown(CtyType.STRING));
        // Unknown refinement keys are ignored, known ones still read.
        assertThat(CtyMsgpack.decode(Hex.bytes("c7 08 0c 82 09 92 01 a1 78 01 c2"), CtyType.STRING))
                .isEqualTo(CtyValue.unknown(CtyType.STRING, Refinements.NONE.withNotNull()));
        // "Definitely null" collapses to a null.
        assertThat(CtyMsgpack.decode(Hex.bytes("c7 03 0c 81 01 c3"), CtyType.STRING))
                .isEqualTo(CtyValue.nullOf(CtyType.STRING));
        // Refinements on a dynamic unknown are ignored (dynamic values cannot be refined).
        assertThat(CtyMsgpack.decode(Hex.bytes("c7 03 0c 81 01 c2"), CtyType.DYNAMIC))
                .isEqualTo(CtyValue.unknown(CtyType.DYNAMIC));
        // Unknowns are accepted where the schema has a container type too.
        CtyType obj = CtyType.object(Map.of("a", CtyType.STRING));
        assertThat(CtyMsgpack.decode(Hex.bytes("d4 00 00"), obj)).isEqualTo(CtyValue.unknown(obj));
    }

    @Test
    void refinementErrorsAreReported() {
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("c7 04 0c 81 02 a1 61"), CtyType.NUMBER))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("string prefix refinement");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("c7 02 0c 92 01"), CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("must be a map");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("c7 03 0c 81 05 01"), CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("length refinement");
        // Bounds that exclude every number.
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("c7 09 0c 82 03 92 05 c3 04 92 01 c3"), CtyType.NUMBER))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("inconsistent");
        // ext16 of 1100 bytes, type 12
        byte[] oversize = new byte[4 + 1100];
        oversize[0] = (byte) 0xc8;
        oversize[1] = (byte) (1100 >> 8);
        oversize[2] = (byte) (1100 & 0xff);
        oversize[3] = 0x0c;
        assertThatThrownBy(() -> CtyMsgpack.decode(oversize, CtyType.STRING))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void objectShapeErrorsSayWhatIsExpected() {
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("81 a1 61 a1 78"), AB))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("an object with 2 attributes is required (1 given)");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("82 a1 61 a1 78 a1 7a c0"), AB))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("unsupported attribute \"z\"");
        assertThatThrownBy(() -> CtyMsgpack.decode(Hex.bytes("82 a1 61 a1 78 a1 61 c0"), AB))
                .isInstanceOf(CtyDecodeException.class)
                .hasMessageContaining("duplicate attribute");
        CtyDecodeException e = org.junit.jupiter.api.Assertions.assertThrows(
                CtyDecodeException.class, () -> CtyMsgpack.decode(Hex.bytes("82 a1 61 01 a1 62 c0"), AB));
        assertThat(e.path()).isEqualTo(CtyPath.ROOT.attr("a"));
        assertThat(e.getMessage()).isEqualTo("a: string is required, but found an integer");
    }

    @Test
    void errorsCarryTheNestedPath() {
        CtyType t = CtyType.object(Map.of("rule", CtyType.list(CtyType.object(Map.of("name", CtyType.STRING)))));
        // {"rule": [ {"name": "a"}, {"name": true} ]}
        byte[] bad = Hex.bytes("81 a4 72 75 6c 65 92 81 a4 6e 61 6d 65 a1 61 81 a4 6e 61 6d 65 c3");
        CtyDecodeException e = org.junit.jupiter.api.Assertions.assertThrows(
                CtyDecodeException.class, () -> CtyMsgpack.decode(bad, t));
        assertThat(e.path().toString()).isEqualTo("rule[1].name");
    }

    @Test
    void encodeRejectsValuesThatDoNotFitTheSchema() {
        assertThatThrownBy(() -> CtyMsgpack.encode(CtyValue.number(1), CtyType.STRING))
                .isInstanceOf(CtyEncodeException.class)
                .hasMessageContaining("string required, but have number");
        CtyType other = CtyType.object(Map.of("a", CtyType.STRING));
        assertThatThrownBy(() -> CtyMsgpack.encode(CtyValue.object(AB, Map.of()), other))
                .isInstanceOf(CtyEncodeException.class)
                .hasMessageContaining("unsupported attribute \"b\"");
        assertThatThrownBy(
                        () -> CtyMsgpack.encode(CtyValue.list(CtyType.NUMBER, List.of()), CtyType.list(CtyType.STRING)))
                .isInstanceOf(CtyEncodeException.class);
        assertThatThrownBy(() -> CtyMsgpack.encode(CtyValue.string("bad \ud800 surrogate"), CtyType.STRING))
                .isInstanceOf(CtyEncodeException.class)
                .hasMessageContaining("Unicode");
    }

    @Test
    void encodeFillsMissingOptionalAttributesWithNull() throws Exception {
        CtyType.ObjectType constraint =
                CtyType.object(Map.of("a", CtyType.STRING, "b", CtyType.STRING), java.util.Set.of("b"));
        CtyValue v = CtyValue.object(CtyType.object(Map.of("a", CtyType.STRING)), Map.of("a", CtyValue.string("x")));
        assertThat(encodeHex(v, constraint)).isEqualTo("82 a1 61 a1 78 a1 62 c0");
    }

    // ---- round trips ------------------------------------------------------------------------

    @Test
    void roundTripsPrimitivesAndNumbers() throws Exception {
        for (String n : List.of(
                "0",
                "-7",
                "9223372036854775807",
                "-9223372036854775808",
                "9223372036854775808",
                "1606938044258990275541962092341162602522202993782792835301376", // 2^200
                "0.1",
                "-0.3333333333333333333333333333333333333333",
                "1.5",
                "123456789.000000001",
                "0." + "0".repeat(299) + "1",
                "+Inf",
                "-Inf")) {
            roundTrip(CtyValue.number(CtyNumber.parse(n)), CtyType.NUMBER);
        }
        roundTrip(CtyValue.number(CtyNumber.of(Math.PI)), CtyType.NUMBER);
        roundTrip(CtyValue.string("\u65e5\u672c \ud83d\ude00 caf\u00e9 \u0000"), CtyType.STRING);
        roundTrip(CtyValue.bool(false), CtyType.BOOL);
        roundTrip(CtyValue.nullOf(CtyType.NUMBER), CtyType.NUMBER);
    }

    @Test
    void roundTripsContainersWithNullsAndUnknownsInside() throws Exception {
        CtyType.ObjectType inner = CtyType.object(Map.of("n", CtyType.NUMBER, "s", CtyType.set(CtyType.STRING)));
        CtyType t = CtyType.object(Map.of(
                "list", CtyType.list(inner),
                "map", CtyType.map(CtyType.BOOL),
                "tuple", CtyType.tuple(List.of(CtyType.STRING, CtyType.NUMBER, CtyType.DYNAMIC)),
                "set", CtyType.set(CtyType.NUMBER),
                "empty", CtyType.list(CtyType.STRING)));
        CtyValue v = CtyValue.object(
                (CtyType.ObjectType) t,
                Map.of(
                        "list",
                                CtyValue.list(
                                        inner,
                                        List.of(
                                                CtyValue.object(inner, Map.of("n", CtyValue.number(1))),
                                                CtyValue.nullOf(inner),
                                                CtyValue.unknown(inner),
                                                CtyValue.object(
                                                        inner,
                                                        Map.of(
                                                                "n",
                                                                CtyValue.unknown(CtyType.NUMBER),
                                                                "s",
                                                                CtyValue.set(
                                                                        CtyType.STRING,
                                                                        List.of(
                                                                                CtyValue.string("a"),
                                                                                CtyValue.unknown(CtyType.STRING),
                                                                                CtyValue.unknown(CtyType.STRING))))))),
                        "map",
                                CtyValue.map(
                                        CtyType.BOOL,
                                        Map.of("t", CtyValue.bool(true), "n", CtyValue.nullOf(CtyType.BOOL))),
                        "tuple",
                                CtyValue.tuple(List.of(
                                        CtyValue.string("x"),
                                        CtyValue.nullOf(CtyType.NUMBER),
                                        CtyValue.list(CtyType.NUMBER, List.of(CtyValue.number(3))))),
                        "set",
                                CtyValue.set(
                                        CtyType.NUMBER, List.of(CtyValue.number(1), CtyValue.nullOf(CtyType.NUMBER))),
                        "empty", CtyValue.list(CtyType.STRING, List.of())));
        roundTrip(v, t);
        roundTrip(v, CtyType.DYNAMIC);
    }

    @Test
    void roundTripsDynamicHoldingVariousTypes() throws Exception {
        List<CtyValue> values = List.of(
                CtyValue.string("s"),
                CtyValue.number(42),
                CtyValue.bool(true),
                CtyValue.list(CtyType.STRING, List.of(CtyValue.string("a"))),
                CtyValue.map(CtyType.NUMBER, Map.of("k", CtyValue.number(CtyNumber.parse("2.5")))),
                CtyValue.object(Map.of("a", CtyValue.string("b"), "c", CtyValue.nullOf(CtyType.NUMBER))),
                CtyValue.tuple(List.of(CtyValue.bool(false), CtyValue.unknown(CtyType.DYNAMIC))),
                CtyValue.list(CtyType.DYNAMIC, List.of()),
                CtyValue.nullOf(CtyType.DYNAMIC),
                CtyValue.unknown(CtyType.DYNAMIC),
                CtyValue.nullOf(CtyType.list(CtyType.STRING)),
                CtyValue.unknown(CtyType.NUMBER, Refinements.NONE.withNotNull().withLowerBound(CtyNumber.of(1), true)));
        for (CtyValue v : values) {
            roundTrip(v, CtyType.DYNAMIC);
            CtyType listOfDynamic = CtyType.list(CtyType.DYNAMIC);
            CtyValue wrapped = CtyValue.list(CtyType.DYNAMIC, List.of(v, v));
            assertThat(CtyMsgpack.decode(CtyMsgpack.encode(wrapped, listOfDynamic), listOfDynamic))
                    .isEqualTo(wrapped);
        }
    }

    @Test
    void roundTripsEveryRefinement() throws Exception {
        roundTrip(CtyValue.unknown(CtyType.STRING, Refinements.NONE.withNotNull()), CtyType.STRING);
        roundTrip(CtyValue.unknown(CtyType.STRING, Refinements.NONE.withStringPrefix("ab-")), CtyType.STRING);
        roundTrip(
                CtyValue.unknown(CtyType.NUMBER, Refinements.NONE.withLowerBound(CtyNumber.parse("-0.5"), false)),
                CtyType.NUMBER);
        roundTrip(
                CtyValue.unknown(CtyType.NUMBER, Refinements.NONE.withUpperBound(CtyNumber.parse("1e30"), true)),
                CtyType.NUMBER);
        CtyType st = CtyType.set(CtyType.STRING);
        roundTrip(CtyValue.unknown(st, Refinements.NONE.withLengthMin(2)), st);
        roundTrip(CtyValue.unknown(st, Refinements.NONE.withLengthMax(3).withNotNull()), st);
        CtyType mt = CtyType.map(CtyType.NUMBER);
        roundTrip(CtyValue.unknown(mt, Refinements.NONE.withLengthMin(1).withLengthMax(1)), mt);
    }

    @Test
    void roundTripsDeepNestingUpToTheLimit() throws Exception {
        CtyType t = CtyType.STRING;
        CtyValue v = CtyValue.string("leaf");
        for (int i = 0; i < 200; i++) {
            t = CtyType.list(t);
            v = CtyValue.list(((CtyType.ListType) t).element(), List.of(v));
        }
        roundTrip(v, t);
        roundTrip(v, CtyType.DYNAMIC);
    }

    @Test
    void setDecodingDeduplicatesKnownElements() throws Exception {
        CtyType st = CtyType.set(CtyType.STRING);
        CtyValue v = CtyMsgpack.decode(Hex.bytes("94 a1 61 a1 61 d4 00 00 d4 00 00"), st);
        assertThat(((CtyValue.SetVal) v).elements())
                .containsExactly(
                        CtyValue.string("a"), CtyValue.unknown(CtyType.STRING), CtyValue.unknown(CtyType.STRING));
    }

    @Test
    void listOfDynamicWithDifferentElementTypesIsADecodeError() {
        CtyType t = CtyType.list(CtyType.DYNAMIC);
        byte[] bytes = Hex.bytes("92 92 c4 08 " + Hex.of("\"string\"".getBytes()) + " a1 61 92 c4 08 "
                + Hex.of("\"number\"".getBytes()) + " 01");
        assertThatThrownBy(() -> CtyMsgpack.decode(bytes, t)).isInstanceOf(CtyDecodeException.class);
    }
}
