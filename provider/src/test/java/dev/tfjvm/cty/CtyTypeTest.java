package dev.tfjvm.cty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CtyTypeTest {

    private static String json(CtyType t) {
        return new String(t.toJson(), UTF_8);
    }

    private static CtyType parse(String json) throws CtyDecodeException {
        return CtyType.fromJson(json.getBytes(UTF_8));
    }

    @Test
    void typeJsonGoldenStrings() {
        assertThat(json(CtyType.STRING)).isEqualTo("\"string\"");
        assertThat(json(CtyType.NUMBER)).isEqualTo("\"number\"");
        assertThat(json(CtyType.BOOL)).isEqualTo("\"bool\"");
        assertThat(json(CtyType.DYNAMIC)).isEqualTo("\"dynamic\"");
        assertThat(json(CtyType.set(CtyType.list(CtyType.BOOL)))).isEqualTo("[\"set\",[\"list\",\"bool\"]]");
        Map<String, CtyType> attrs = new LinkedHashMap<>();
        attrs.put("tags", CtyType.map(CtyType.STRING));
        attrs.put("ports", CtyType.list(CtyType.NUMBER));
        attrs.put("id", CtyType.STRING);
        assertThat(json(CtyType.object(attrs)))
                .isEqualTo(
                        "[\"object\",{\"id\":\"string\",\"ports\":[\"list\",\"number\"],\"tags\":[\"map\",\"string\"]}]");
        assertThat(json(CtyType.object(Map.of("b", CtyType.NUMBER, "a", CtyType.STRING), Set.of("b"))))
                .isEqualTo("[\"object\",{\"a\":\"string\",\"b\":\"number\"},[\"b\"]]");
        assertThat(json(CtyType.tuple(List.of(CtyType.STRING, CtyType.DYNAMIC))))
                .isEqualTo("[\"tuple\",[\"string\",\"dynamic\"]]");
        assertThat(json(CtyType.object(Map.of()))).isEqualTo("[\"object\",{}]");
        assertThat(json(CtyType.tuple(List.of()))).isEqualTo("[\"tuple\",[]]");
    }

    @Test
    void typeJsonParsesWhatTerraformSends() throws Exception {
        assertThat(
                        parse(
                                "[\"object\",{\"id\":\"string\",\"tags\":[\"map\",\"string\"],\"ports\":[\"list\",\"number\"]}]"))
                .isEqualTo(CtyType.object(Map.of(
                        "id",
                        CtyType.STRING,
                        "tags",
                        CtyType.map(CtyType.STRING),
                        "ports",
                        CtyType.list(CtyType.NUMBER))));
        assertThat(parse(" [ \"object\" , { \"a\" : \"bool\" } , [ \"a\" ] ] "))
                .isEqualTo(CtyType.object(Map.of("a", CtyType.BOOL), Set.of("a")));
        assertThat(parse("\"dynamic\"")).isEqualTo(CtyType.DYNAMIC);
        assertThat(parse("[\"tuple\",[]]")).isEqualTo(CtyType.tuple(List.of()));
    }

    @Test
    void invalidTypeJsonIsADecodeError() {
        for (String bad : List.of(
                "",
                "\"str\"",
                "[]",
                "[\"list\"]",
                "[\"list\",\"string\",\"x\"]",
                "[\"widget\",\"string\"]",
                "[\"object\",[]]",
                "[\"object\",{\"a\":\"string\"},[\"b\"]]",
                "[\"object\",{\"a\":\"string\",\"a\":\"bool\"}]",
                "[\"tuple\",\"string\"]",
                "\"string\" 1",
                "42",
                "{\"list\":\"string\"}",
                "[\"map\",",
                "[\"object\",{}],")) {
            assertThatThrownBy(() -> parse(bad))
                    .as(bad)
                    .isInstanceOf(CtyDecodeException.class)
                    .hasMessageContaining("invalid type JSON");
        }
    }

    @Test
    void friendlyNamesForMessages() {
        assertThat(CtyType.list(CtyType.STRING).friendlyName()).isEqualTo("list of string");
        assertThat(CtyType.map(CtyType.NUMBER).friendlyName()).isEqualTo("map of number");
        assertThat(CtyType.set(CtyType.map(CtyType.BOOL)).friendlyName()).isEqualTo("set of map of bool");
        assertThat(CtyType.object(Map.of("a", CtyType.STRING)).friendlyName()).isEqualTo("object");
        assertThat(CtyType.tuple(List.of()).friendlyName()).isEqualTo("tuple");
        assertThat(CtyType.DYNAMIC.friendlyName()).isEqualTo("dynamic");
    }

    @Test
    void typesAreValuesAndObjectAttributesAreSorted() {
        Map<String, CtyType> a = new LinkedHashMap<>();
        a.put("z", CtyType.STRING);
        a.put("a", CtyType.NUMBER);
        CtyType.ObjectType o = CtyType.object(a);
        assertThat(o.attributes().keySet()).containsExactly("a", "z");
        assertThat(o).isEqualTo(CtyType.object(Map.of("a", CtyType.NUMBER, "z", CtyType.STRING)));
        assertThat(o).isNotEqualTo(CtyType.object(Map.of("a", CtyType.NUMBER, "z", CtyType.STRING), Set.of("a")));
        assertThat(o.attributeType("a")).contains(CtyType.NUMBER);
        assertThat(o.attributeType("q")).isEmpty();
        assertThat(CtyType.list(CtyType.STRING))
                .isEqualTo(CtyType.list(CtyType.STRING))
                .isNotEqualTo(CtyType.set(CtyType.STRING));
        assertThat(CtyType.list(CtyType.object(Map.of("d", CtyType.DYNAMIC))).hasDynamic())
                .isTrue();
        assertThat(CtyType.list(CtyType.object(Map.of("d", CtyType.BOOL))).hasDynamic())
                .isFalse();
        assertThatThrownBy(() -> CtyType.object(Map.of("a", CtyType.STRING), Set.of("b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> o.attributes().put("b", CtyType.BOOL))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
