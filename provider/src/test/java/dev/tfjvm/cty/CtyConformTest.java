package dev.tfjvm.cty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CtyConformTest {

    private static final CtyType.ObjectType RULE =
            CtyType.object(Map.of("name", CtyType.STRING, "port", CtyType.NUMBER));

    @Test
    void conformingValuesHaveNoProblems() {
        CtyValue v = CtyValue.list(RULE, List.of(CtyValue.object(RULE, Map.of("name", CtyValue.string("a")))));
        assertThat(CtyConform.problems(v, CtyType.list(RULE))).isEmpty();
        assertThat(CtyConform.problems(v, CtyType.DYNAMIC)).isEmpty();
        assertThat(CtyConform.problems(v, CtyType.list(CtyType.DYNAMIC))).isEmpty();
        assertThat(CtyConform.problems(CtyValue.nullOf(CtyType.DYNAMIC), RULE)).isEmpty();
        assertThat(CtyConform.problems(CtyValue.unknown(CtyType.DYNAMIC), CtyType.STRING))
                .isEmpty();
        assertThat(CtyConform.problems(CtyValue.unknown(RULE), RULE)).isEmpty();
        assertThat(CtyConform.conforms(CtyValue.list(CtyType.DYNAMIC, List.of()), CtyType.list(CtyType.STRING)))
                .isTrue();
    }

    @Test
    void problemsNameThePathAndTheMismatch() {
        CtyValue v = CtyValue.list(
                RULE,
                List.of(
                        CtyValue.object(RULE, Map.of("name", CtyValue.string("a"))),
                        CtyValue.object(RULE, Map.of("port", CtyValue.number(1)))));
        CtyType.ObjectType wanted = CtyType.object(Map.of("name", CtyType.BOOL, "port", CtyType.NUMBER));
        assertThat(CtyConform.problems(v, CtyType.list(wanted)))
                .containsExactly(
                        "[0].name: bool required, but have string", "[1].name: bool required, but have string");
        assertThat(CtyConform.problems(v, CtyType.set(RULE))).containsExactly("set required, but have list of object");
        assertThat(CtyConform.problems(CtyValue.nullOf(CtyType.NUMBER), CtyType.STRING))
                .containsExactly("string required, but have number");
        CtyType.ObjectType more =
                CtyType.object(Map.of("name", CtyType.STRING, "port", CtyType.NUMBER, "id", CtyType.STRING));
        assertThat(CtyConform.problems(v, CtyType.list(more)))
                .containsExactly("[0]: attribute \"id\" is required", "[1]: attribute \"id\" is required");
        CtyType.ObjectType less = CtyType.object(Map.of("name", CtyType.STRING));
        assertThat(CtyConform.problems(v.at(CtyPath.ROOT.index(0)).orElseThrow(), less))
                .containsExactly("unsupported attribute \"port\"");
        CtyValue tagged = CtyValue.map(CtyType.NUMBER, Map.of("k", CtyValue.number(1)));
        assertThat(CtyConform.problems(tagged, CtyType.map(CtyType.STRING)))
                .containsExactly("[\"k\"]: string required, but have number");
        assertThat(CtyConform.problems(CtyValue.tuple(List.of(CtyValue.bool(true))), CtyType.tuple(List.of())))
                .containsExactly("tuple of 0 elements required, but have 1");
    }

    @Test
    void optionalAttributesMayBeAbsent() {
        CtyType.ObjectType constraint =
                CtyType.object(Map.of("name", CtyType.STRING, "extra", CtyType.NUMBER), Set.of("extra"));
        CtyValue v =
                CtyValue.object(CtyType.object(Map.of("name", CtyType.STRING)), Map.of("name", CtyValue.string("x")));
        assertThat(CtyConform.problems(v, constraint)).isEmpty();
    }
}
