package dev.tfjvm.cty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CtyValueTest {

    private static final CtyType.ObjectType RULE =
            CtyType.object(Map.of("name", CtyType.STRING, "port", CtyType.NUMBER));

    @Test
    void objectFactoryFillsMissingAttributesWithNullAndRejectsUnknownNames() {
        CtyValue.ObjectVal o = CtyValue.object(RULE, Map.of("name", CtyValue.string("ssh")));
        assertThat(o.get("port")).isEqualTo(CtyValue.nullOf(CtyType.NUMBER));
        assertThat(o.type()).isEqualTo(RULE);
        assertThatThrownBy(() -> CtyValue.object(RULE, Map.of("nope", CtyValue.string("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported attribute \"nope\"");
        assertThatThrownBy(() -> CtyValue.object(RULE, Map.of("port", CtyValue.string("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("number required, but have string");
        assertThatThrownBy(() -> o.get("nope")).isInstanceOf(IllegalArgumentException.class);
        assertThat(o.with("port", CtyValue.number(22)).get("port")).isEqualTo(CtyValue.number(22));
    }

    @Test
    void dynamicAttributesTakeTheTypeOfTheirValueAndOptionalMarkersAreDropped() {
        CtyType.ObjectType schema = CtyType.object(Map.of("d", CtyType.DYNAMIC, "s", CtyType.STRING), Set.of("s"));
        CtyValue.ObjectVal o = CtyValue.object(schema, Map.of("d", CtyValue.number(1)));
        assertThat(o.type()).isEqualTo(CtyType.object(Map.of("d", CtyType.NUMBER, "s", CtyType.STRING)));
        assertThat(o.type().optional()).isEmpty();
        assertThat(CtyConform.problems(o, schema)).isEmpty();
    }

    @Test
    void collectionFactoriesUnifyElementTypes() {
        CtyValue.ListVal l = CtyValue.list(
                CtyType.DYNAMIC,
                List.of(CtyValue.string("a"), CtyValue.nullOf(CtyType.DYNAMIC), CtyValue.unknown(CtyType.DYNAMIC)));
        assertThat(l.type()).isEqualTo(CtyType.list(CtyType.STRING));
        assertThat(l.elements())
                .containsExactly(
                        CtyValue.string("a"), CtyValue.nullOf(CtyType.STRING), CtyValue.unknown(CtyType.STRING));
        CtyValue.ListVal empty = CtyValue.list(CtyType.DYNAMIC, List.of());
        assertThat(empty.type()).isEqualTo(CtyType.list(CtyType.DYNAMIC));
        // A nested empty list(dynamic) is re-typed to match its siblings.
        CtyValue.ListVal nested = CtyValue.list(
                CtyType.DYNAMIC, List.of(empty, CtyValue.list(CtyType.NUMBER, List.of(CtyValue.number(1)))));
        assertThat(nested.type()).isEqualTo(CtyType.list(CtyType.list(CtyType.NUMBER)));
        assertThat(nested.elements().get(0)).isEqualTo(CtyValue.list(CtyType.NUMBER, List.of()));
        assertThatThrownBy(() -> CtyValue.list(CtyType.DYNAMIC, List.of(CtyValue.string("a"), CtyValue.number(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("list element 1");
        assertThatThrownBy(
                        () -> new CtyValue.ListVal(new CtyType.ListType(CtyType.STRING), List.of(CtyValue.number(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CtyValue.ListVal(
                        new CtyType.ListType(CtyType.STRING), List.of(CtyValue.nullOf(CtyType.DYNAMIC))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("factory");
    }

    @Test
    void setsDeduplicateKnownElementsKeepUnknownsAndIgnoreOrder() {
        CtyValue.SetVal s = CtyValue.set(
                CtyType.STRING,
                List.of(
                        CtyValue.string("a"),
                        CtyValue.string("b"),
                        CtyValue.string("a"),
                        CtyValue.unknown(CtyType.STRING),
                        CtyValue.unknown(CtyType.STRING),
                        CtyValue.nullOf(CtyType.STRING),
                        CtyValue.nullOf(CtyType.STRING)));
        assertThat(s.elements()).hasSize(5);
        CtyValue.SetVal reordered = CtyValue.set(
                CtyType.STRING,
                List.of(
                        CtyValue.unknown(CtyType.STRING),
                        CtyValue.nullOf(CtyType.STRING),
                        CtyValue.string("b"),
                        CtyValue.unknown(CtyType.STRING),
                        CtyValue.string("a")));
        assertThat(reordered).isEqualTo(s).hasSameHashCodeAs(s);
        assertThat(CtyValue.set(CtyType.STRING, List.of(CtyValue.string("a"), CtyValue.unknown(CtyType.STRING))))
                .isNotEqualTo(s);
        // Numbers dedupe by numeric value.
        assertThat(CtyValue.set(CtyType.NUMBER, List.of(CtyValue.number(1), CtyValue.number(new BigDecimal("1.00"))))
                        .elements())
                .hasSize(1);
    }

    @Test
    void knownnessAndNullness() {
        CtyValue inner = CtyValue.unknown(CtyType.STRING);
        CtyValue o = CtyValue.object(RULE, Map.of("name", inner));
        assertThat(o.isKnown()).isTrue();
        assertThat(o.isWhollyKnown()).isFalse();
        assertThat(inner.isKnown()).isFalse();
        assertThat(CtyValue.nullOf(RULE).isNull()).isTrue();
        assertThat(CtyValue.nullOf(RULE).isWhollyKnown()).isTrue();
        assertThat(CtyValue.string("x").isNull()).isFalse();
    }

    @Test
    void stringsAreNfc() {
        assertThat(CtyValue.string("e\u0301")).isEqualTo(CtyValue.string("\u00e9"));
        assertThat(CtyValue.string("\u212b").value()).isEqualTo("\u00c5");
    }

    @Test
    void refinementsMustSuitTheType() {
        assertThatThrownBy(() -> CtyValue.unknown(CtyType.NUMBER, Refinements.NONE.withStringPrefix("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("string prefix");
        assertThatThrownBy(() -> CtyValue.unknown(CtyType.STRING, Refinements.NONE.withLengthMin(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length");
        assertThatThrownBy(() -> CtyValue.unknown(CtyType.DYNAMIC, Refinements.NONE.withNotNull()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dynamic");
        assertThatThrownBy(() -> Refinements.NONE.withLengthMin(5).withLengthMax(2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        Refinements.NONE.withLowerBound(CtyNumber.of(3), true).withUpperBound(CtyNumber.of(3), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Refinements.NONE
                        .withLowerBound(CtyNumber.of(3), true)
                        .withUpperBound(CtyNumber.of(3), true)
                        .isEmpty())
                .isFalse();
        assertThat(new Refinements(
                        java.util.Optional.of(false),
                        java.util.Optional.of(""),
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.OptionalLong.of(0),
                        java.util.OptionalLong.empty()))
                .isEqualTo(Refinements.NONE);
    }

    @Test
    void atFollowsPathsAndStopsAtNullsUnknownsAndSets() {
        CtyType.ObjectType t = CtyType.object(Map.of(
                "rule", CtyType.list(RULE),
                "tags", CtyType.map(CtyType.STRING),
                "set", CtyType.set(CtyType.STRING),
                "pair", CtyType.tuple(List.of(CtyType.STRING, CtyType.NUMBER))));
        CtyValue v = CtyValue.object(
                t,
                Map.of(
                        "rule",
                                CtyValue.list(
                                        RULE,
                                        List.of(
                                                CtyValue.object(RULE, Map.of("name", CtyValue.string("a"))),
                                                CtyValue.nullOf(RULE),
                                                CtyValue.unknown(RULE))),
                        "tags", CtyValue.map(CtyType.STRING, Map.of("env", CtyValue.string("prod"))),
                        "set", CtyValue.set(CtyType.STRING, List.of(CtyValue.string("s"))),
                        "pair", CtyValue.tuple(List.of(CtyValue.string("p"), CtyValue.number(2)))));
        assertThat(v.at(CtyPath.ROOT)).contains(v);
        assertThat(v.at(CtyPath.ROOT.attr("rule").index(0).attr("name"))).contains(CtyValue.string("a"));
        assertThat(v.at(CtyPath.ROOT.attr("rule").index(0).attr("port"))).contains(CtyValue.nullOf(CtyType.NUMBER));
        assertThat(v.at(CtyPath.ROOT.attr("rule").index(1))).contains(CtyValue.nullOf(RULE));
        assertThat(v.at(CtyPath.ROOT.attr("rule").index(1).attr("name"))).isEmpty();
        assertThat(v.at(CtyPath.ROOT.attr("rule").index(2).attr("name"))).isEmpty();
        assertThat(v.at(CtyPath.ROOT.attr("rule").index(3))).isEmpty();
        assertThat(v.at(CtyPath.ROOT.attr("rule").index(-1))).isEmpty();
        assertThat(v.at(CtyPath.ROOT.attr("rule").key("0"))).isEmpty();
        assertThat(v.at(CtyPath.ROOT.attr("tags").key("env"))).contains(CtyValue.string("prod"));
        assertThat(v.at(CtyPath.ROOT.attr("tags").attr("env"))).isEmpty();
        assertThat(v.at(CtyPath.ROOT.attr("tags").key("missing"))).isEmpty();
        assertThat(v.at(CtyPath.ROOT.attr("set").index(0))).isEmpty();
        assertThat(v.at(CtyPath.ROOT.attr("pair").index(1))).contains(CtyValue.number(2));
        assertThat(v.at(CtyPath.ROOT.attr("nope"))).isEmpty();
    }

    @Test
    void collectionsAreImmutable() {
        CtyValue.ListVal l = CtyValue.list(CtyType.STRING, new java.util.ArrayList<>(List.of(CtyValue.string("a"))));
        assertThatThrownBy(() -> l.elements().add(CtyValue.string("b")))
                .isInstanceOf(UnsupportedOperationException.class);
        CtyValue.MapVal m = CtyValue.map(CtyType.STRING, Map.of("k", CtyValue.string("v")));
        assertThatThrownBy(() -> m.entries().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
