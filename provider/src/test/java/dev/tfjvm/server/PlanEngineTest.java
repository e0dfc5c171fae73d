package dev.tfjvm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.PlanModifiers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanEngineTest {
    private static final Block DISK = Block.builder()
            .attribute(Attribute.string("label").required())
            .attribute(Attribute.string("serial").computed())
            .build();
    private static final Block BLOCK = Block.builder()
            .attribute(Attribute.string("name").required())
            .attribute(Attribute.string("id").computed().planModifiers(PlanModifiers.useStateForUnknown()))
            .attribute(Attribute.number("revision").computed())
            .attribute(Attribute.number("size").optional().computed().defaultValue(CtyValue.number(1)))
            .attribute(Attribute.string("zone").optional().planModifiers(PlanModifiers.requiresReplace()))
            .attribute(Attribute.string("token").optional().writeOnly())
            .block("disk", Nesting.LIST, DISK)
            .build();
    private static final CtyType.ObjectType TYPE = BLOCK.impliedType();

    private static CtyValue.ObjectVal obj(Map<String, CtyValue> attrs) {
        Map<String, CtyValue> all = new HashMap<>(attrs);
        all.putIfAbsent("disk", CtyValue.list(DISK.impliedType(), List.of()));
        return CtyValue.object(TYPE, all);
    }

    private static CtyValue disk(String label, CtyValue serial) {
        return CtyValue.object(DISK.impliedType(), Map.of("label", CtyValue.string(label), "serial", serial));
    }

    @Test
    void createMarksComputedValuesUnknownFillsDefaultsAndDropsWriteOnly() {
        CtyValue config = obj(Map.of(
                "name",
                CtyValue.string("a"),
                "token",
                CtyValue.string("t"),
                "disk",
                CtyValue.list(DISK.impliedType(), List.of(disk("root", CtyValue.nullOf(CtyType.STRING))))));
        PlanEngine.Result r = PlanEngine.plan(BLOCK, CtyValue.nullOf(TYPE), config, config);
        CtyValue.ObjectVal planned = (CtyValue.ObjectVal) r.planned();
        assertThat(planned.get("id").isKnown()).isFalse();
        assertThat(planned.get("revision").isKnown()).isFalse();
        assertThat(planned.get("size")).isEqualTo(CtyValue.number(1));
        assertThat(planned.get("token").isNull()).isTrue();
        CtyValue.ObjectVal d = (CtyValue.ObjectVal)
                ((CtyValue.ListVal) planned.get("disk")).elements().get(0);
        assertThat(d.get("serial").isKnown()).isFalse();
        assertThat(r.requiresReplace()).isEmpty();
    }

    @Test
    void anUnchangedResourcePlansExactlyItsPriorState() {
        CtyValue prior = obj(Map.of(
                "name",
                CtyValue.string("a"),
                "id",
                CtyValue.string("x"),
                "revision",
                CtyValue.number(3),
                "size",
                CtyValue.number(1)));
        CtyValue config = obj(Map.of("name", CtyValue.string("a")));
        PlanEngine.Result r = PlanEngine.plan(BLOCK, prior, config, prior);
        assertThat(r.planned()).isEqualTo(prior);
    }

    @Test
    void aChangeMarksComputedValuesUnknownExceptThoseKeptFromState() {
        CtyValue prior = obj(Map.of(
                "name",
                CtyValue.string("a"),
                "id",
                CtyValue.string("x"),
                "revision",
                CtyValue.number(3),
                "size",
                CtyValue.number(1)));
        CtyValue config = obj(Map.of("name", CtyValue.string("b")));
        CtyValue proposed = obj(Map.of(
                "name",
                CtyValue.string("b"),
                "id",
                CtyValue.string("x"),
                "revision",
                CtyValue.number(3),
                "size",
                CtyValue.number(1)));
        CtyValue.ObjectVal planned = (CtyValue.ObjectVal)
                PlanEngine.plan(BLOCK, prior, config, proposed).planned();
        assertThat(planned.get("id")).isEqualTo(CtyValue.string("x"));
        assertThat(planned.get("revision").isKnown()).isFalse();
        assertThat(planned.get("size")).isEqualTo(CtyValue.number(1));
    }

    @Test
    void changingARequiresReplaceAttributeIsReported() {
        CtyValue prior = obj(Map.of(
                "name",
                CtyValue.string("a"),
                "zone",
                CtyValue.string("z1"),
                "id",
                CtyValue.string("x"),
                "revision",
                CtyValue.number(1),
                "size",
                CtyValue.number(1)));
        CtyValue config = obj(Map.of("name", CtyValue.string("a"), "zone", CtyValue.string("z2")));
        CtyValue proposed = obj(Map.of(
                "name",
                CtyValue.string("a"),
                "zone",
                CtyValue.string("z2"),
                "id",
                CtyValue.string("x"),
                "revision",
                CtyValue.number(1),
                "size",
                CtyValue.number(1)));
        assertThat(PlanEngine.plan(BLOCK, prior, config, proposed).requiresReplace())
                .containsExactly(CtyPath.ROOT.attr("zone"));
    }
}
