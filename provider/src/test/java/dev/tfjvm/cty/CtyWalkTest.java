package dev.tfjvm.cty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtyWalkTest {

    private static final CtyType.ObjectType T = CtyType.object(Map.of(
            "name", CtyType.STRING,
            "tags", CtyType.map(CtyType.STRING),
            "ports", CtyType.list(CtyType.NUMBER),
            "cidrs", CtyType.set(CtyType.STRING)));

    private static final CtyValue V = CtyValue.object(
            T,
            Map.of(
                    "name", CtyValue.string("vm"),
                    "tags", CtyValue.map(CtyType.STRING, Map.of("a", CtyValue.string("1"))),
                    "ports",
                            CtyValue.list(
                                    CtyType.NUMBER, List.of(CtyValue.number(22), CtyValue.unknown(CtyType.NUMBER))),
                    "cidrs", CtyValue.set(CtyType.STRING, List.of(CtyValue.string("10.0.0.0/8")))));

    @Test
    void walkVisitsEveryValuePreOrderWithPathsAndSetElementsAtTheSetPath() {
        List<String> seen = new ArrayList<>();
        CtyWalk.walk(V, (path, v) -> seen.add(path + "=" + v.type().friendlyName()));
        assertThat(seen)
                .containsExactly(
                        "=object",
                        "cidrs=set of string",
                        "cidrs=string",
                        "name=string",
                        "ports=list of number",
                        "ports[0]=number",
                        "ports[1]=number",
                        "tags=map of string",
                        "tags[\"a\"]=string");
    }

    @Test
    void transformRebuildsBottomUp() {
        CtyValue upper = CtyWalk.transform(
                V,
                (path, v) ->
                        v instanceof CtyValue.Str s ? CtyValue.string(s.value().toUpperCase()) : v);
        assertThat(upper.at(CtyPath.ROOT.attr("name"))).contains(CtyValue.string("VM"));
        assertThat(upper.at(CtyPath.ROOT.attr("tags").key("a"))).contains(CtyValue.string("1"));
        assertThat(((CtyValue.SetVal) upper.at(CtyPath.ROOT.attr("cidrs")).orElseThrow()).elements())
                .containsExactly(CtyValue.string("10.0.0.0/8"));

        // Unknowns replaced by nulls: the classic "plan -> state" clean-up.
        CtyValue noUnknowns = CtyWalk.transform(V, (path, v) -> v.isKnown() ? v : CtyValue.nullOf(v.type()));
        assertThat(noUnknowns.isWhollyKnown()).isTrue();
        assertThat(noUnknowns.at(CtyPath.ROOT.attr("ports").index(1))).contains(CtyValue.nullOf(CtyType.NUMBER));

        // Children are visited before their parent, and the parent sees the new children.
        List<String> order = new ArrayList<>();
        CtyWalk.transform(V, (path, v) -> {
            order.add(path.toString());
            return v;
        });
        assertThat(order.indexOf("ports[1]")).isLessThan(order.indexOf("ports"));
        assertThat(order.get(order.size() - 1)).isEmpty();

        // Identity transforms give back an equal value.
        assertThat(CtyWalk.transform(V, (path, v) -> v)).isEqualTo(V);
    }

    @Test
    void transformMayChangeTypesWhereTheContainerAllows() {
        CtyValue numbersAsStrings = CtyWalk.transform(
                V.at(CtyPath.ROOT.attr("ports")).orElseThrow(),
                (path, v) -> v instanceof CtyValue.Num n
                        ? CtyValue.string(n.value().toString())
                        : v.isKnown() ? v : CtyValue.unknown(CtyType.STRING));
        assertThat(numbersAsStrings.type()).isEqualTo(CtyType.list(CtyType.STRING));
        CtyValue mixed = CtyValue.list(CtyType.NUMBER, List.of(CtyValue.number(1), CtyValue.number(2)));
        assertThatThrownBy(() -> CtyWalk.transform(
                        mixed, (path, v) -> path.equals(CtyPath.ROOT.index(0)) ? CtyValue.string("x") : v))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
