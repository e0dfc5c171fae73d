package dev.tfjvm.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TfObjectTest {
    private static final Block BLOCK = Block.builder()
            .attribute(Attribute.string("name").required())
            .attribute(Attribute.number("size").optional())
            .attribute(Attribute.bool("on").optional())
            .attribute(Attribute.of("tags", CtyType.map(CtyType.STRING)).optional())
            .attribute(Attribute.of("ports", CtyType.set(CtyType.NUMBER)).optional())
            .attribute(Attribute.of("names", CtyType.list(CtyType.STRING)).optional())
            .attribute(Attribute.nested(
                    "endpoints", Nesting.LIST, Attribute.string("url").computed()))
            .block(
                    "disk",
                    Nesting.LIST,
                    Block.builder()
                            .attribute(Attribute.string("label").required())
                            .build())
            .block(
                    "network",
                    Nesting.SINGLE,
                    Block.builder()
                            .attribute(Attribute.string("mode").required())
                            .build())
            .build();

    @Test
    void anEmptyObjectHasNullAttributesAndEmptyBlockCollections() {
        TfObject o = TfObject.empty(BLOCK);
        assertThat(o.string("name")).isEmpty();
        assertThat(o.objects("disk")).isEmpty();
        assertThat(o.get("disk")).isInstanceOf(CtyValue.ListVal.class);
        assertThat(o.object("network")).isEmpty();
        assertThat(o.strings("names")).isEmpty();
        assertThat(o.stringMap("tags")).isEmpty();
    }

    @Test
    void javaValuesConvertToTheAttributesTypes() {
        TfObject o = TfObject.empty(BLOCK)
                .with("name", "web")
                .with("size", 4)
                .with("on", true)
                .with("tags", Map.of("team", "blue"))
                .with("ports", List.of(22L, 443L))
                .with("names", List.of("a", "b"))
                .with("disk", List.of(TfObject.empty(BLOCK).newNested("disk").with("label", "root")))
                .with("network", TfObject.empty(BLOCK).newNested("network").with("mode", "nat"));
        assertThat(o.requireString("name")).isEqualTo("web");
        assertThat(o.longValue("size")).contains(4L);
        assertThat(o.number("size")).contains(BigDecimal.valueOf(4));
        assertThat(o.bool("on")).contains(true);
        assertThat(o.stringMap("tags")).containsEntry("team", "blue");
        assertThat(o.get("ports"))
                .isEqualTo(CtyValue.set(CtyType.NUMBER, List.of(CtyValue.number(22), CtyValue.number(443))));
        assertThat(o.strings("names")).containsExactly("a", "b");
        assertThat(o.objects("disk"))
                .singleElement()
                .satisfies(d -> assertThat(d.requireString("label")).isEqualTo("root"));
        assertThat(o.object("network").flatMap(n -> n.string("mode"))).contains("nat");
        assertThat(o.with("size", Optional.empty()).isNull("size")).isTrue();
        assertThat(o.with("size", null).isNull("size")).isTrue();
    }

    @Test
    void unknownValuesMustBeCheckedBeforeTheyAreRead() {
        TfObject o = TfObject.empty(BLOCK).withUnknown("name");
        assertThat(o.isKnown("name")).isFalse();
        assertThat(o.isWhollyKnown()).isFalse();
        assertThatThrownBy(() -> o.string("name"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("name is not known yet")
                .hasMessageContaining("isKnown");
    }

    @Test
    void aNumberNoLongCanHoldIsAnErrorNamingTheAttribute() {
        TfObject o = TfObject.empty(BLOCK).with("name", "n");
        assertThat(o.with("size", new BigDecimal("7")).longValue("size")).contains(7L);
        assertThatThrownBy(() -> o.with("size", new BigDecimal("1.5")).longValue("size"))
                .isInstanceOfSatisfying(AttributeValueException.class, e -> {
                    assertThat(e.attribute()).isEqualTo("size");
                    assertThat(e.detail()).isEqualTo("size is 1.5: it must be a whole number.");
                    assertThat(e.toResourceException().summary()).isEqualTo("Invalid value for size");
                });
        assertThatThrownBy(() -> o.with("size", new BigDecimal("1e30")).longValue("size"))
                .isInstanceOfSatisfying(
                        AttributeValueException.class,
                        e -> assertThat(e.detail())
                                .isEqualTo(
                                        "size is 1000000000000000000000000000000: it must be a whole number of at most 19"
                                                + " digits."));
        TfObject inf = o.with("size", CtyValue.number(dev.tfjvm.cty.CtyNumber.POSITIVE_INFINITY));
        assertThatThrownBy(() -> inf.longValue("size"))
                .isInstanceOfSatisfying(
                        AttributeValueException.class,
                        e -> assertThat(e.detail()).isEqualTo("size is +Inf: it must be a whole number."));
        assertThatThrownBy(() -> inf.number("size"))
                .isInstanceOfSatisfying(
                        AttributeValueException.class,
                        e -> assertThat(e.detail()).isEqualTo("size is +Inf: it must be a finite number."));
    }

    @Test
    void elementsKnownLooksIntoCollections() {
        TfObject o = TfObject.empty(BLOCK).with("name", "n");
        CtyType endpoint = BLOCK.impliedType().attributes().get("endpoints");
        CtyType element = ((CtyType.ListType) endpoint).element();
        assertThat(o.elementsKnown("endpoints")).as("null").isTrue();
        assertThat(o.withUnknown("endpoints").elementsKnown("endpoints")).isFalse();
        TfObject withUnknownElement = o.with("endpoints", CtyValue.list(element, List.of(CtyValue.unknown(element))));
        assertThat(withUnknownElement.isKnown("endpoints")).isTrue();
        assertThat(withUnknownElement.elementsKnown("endpoints")).isFalse();
        TfObject withUnknownUrl = o.with(
                "endpoints",
                CtyValue.list(
                        element,
                        List.of(CtyValue.object(
                                (CtyType.ObjectType) element, Map.of("url", CtyValue.unknown(CtyType.STRING))))));
        assertThat(withUnknownUrl.elementsKnown("endpoints"))
                .as("an element's attributes may be unknown")
                .isTrue();
        assertThat(o.with("tags", CtyValue.map(CtyType.STRING, Map.of("a", CtyValue.unknown(CtyType.STRING))))
                        .elementsKnown("tags"))
                .isFalse();
        assertThat(o.elementsKnown("name")).isTrue();
    }

    @Test
    void mistakesNameTheAttributeAndWhatExists() {
        TfObject o = TfObject.empty(BLOCK);
        assertThatThrownBy(() -> o.get("nmae"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no attribute or block named \"nmae\"")
                .hasMessageContaining("name");
        assertThatThrownBy(() -> o.with("size", "four"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot use a String as a value of type number");
    }

    @Test
    void ofNullableIsEmptyForNull() {
        assertThat(TfObject.ofNullable(BLOCK, CtyValue.nullOf(BLOCK.impliedType())))
                .isEmpty();
        assertThat(TfObject.ofNullable(BLOCK, TfObject.empty(BLOCK).value())).isPresent();
        assertThat(new java.util.HashSet<>(List.of(TfObject.empty(BLOCK), TfObject.empty(BLOCK))))
                .hasSize(1);
    }

    @Test
    void itsLogValueMasksSensitiveAndWriteOnlyAttributes() {
        Block secretive = Block.builder()
                .attribute(Attribute.string("user").optional())
                .attribute(Attribute.string("password").optional().sensitive())
                .attribute(Attribute.string("token").optional().writeOnly())
                .attribute(Attribute.nested(
                                "keys",
                                Nesting.LIST,
                                Attribute.string("pem").optional().sensitive())
                        .optional())
                .block(
                        "proxy",
                        Nesting.LIST,
                        Block.builder()
                                .attribute(Attribute.string("secret").optional().sensitive())
                                .build())
                .build();
        TfObject o = TfObject.empty(secretive)
                .with("user", "root")
                .with("password", "hunter2")
                .with("token", "t0k3n");

        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> logged = (java.util.Map<String, Object>) o.logValue();
        assertThat(logged)
                .containsEntry("password", dev.tfjvm.log.Log.MASK)
                .containsEntry("token", dev.tfjvm.log.Log.MASK)
                .containsEntry("keys", dev.tfjvm.log.Log.MASK)
                .containsEntry("proxy", dev.tfjvm.log.Log.MASK);
        assertThat(logged.get("user").toString()).contains("root");
        assertThat(logged.toString()).doesNotContain("hunter2").doesNotContain("t0k3n");
    }
}
