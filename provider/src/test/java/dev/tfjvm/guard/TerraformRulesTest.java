package dev.tfjvm.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TerraformRulesTest {
    private static final Block BLOCK = Block.builder()
            .attribute(Attribute.string("name").required())
            .attribute(Attribute.string("id").computed())
            .attribute(Attribute.string("mode").optional().computed())
            .attribute(Attribute.string("note").optional())
            .attribute(Attribute.string("secret").optional().sensitive())
            .attribute(Attribute.string("token").optional().writeOnly())
            .block(
                    "disk",
                    Nesting.LIST,
                    Block.builder()
                            .attribute(Attribute.string("label").required())
                            .build())
            .build();
    private static final CtyType.ObjectType TYPE = BLOCK.impliedType();

    private static CtyValue obj(Map<String, CtyValue> attrs) {
        java.util.Map<String, CtyValue> all = new java.util.HashMap<>(attrs);
        all.putIfAbsent(
                "disk", CtyValue.list(BLOCK.block("disk").orElseThrow().block().impliedType(), List.of()));
        return CtyValue.object(TYPE, all);
    }

    private static CtyValue s(String v) {
        return CtyValue.string(v);
    }

    private static CtyValue none() {
        return CtyValue.nullOf(TYPE);
    }

    @Test
    void aPlanEqualToConfigWithUnknownComputedValuesIsValid() {
        CtyValue config = obj(Map.of("name", s("a")));
        CtyValue planned = obj(Map.of(
                "name", s("a"), "id", CtyValue.unknown(CtyType.STRING), "mode", CtyValue.unknown(CtyType.STRING)));
        assertThat(TerraformRules.checkPlan("t_x", BLOCK, none(), config, planned))
                .isEmpty();
    }

    @Test
    void aPlannedValueThatDiffersFromConfigNamesTheAttributeAndBothValues() {
        CtyValue config = obj(Map.of("name", s("a")));
        CtyValue planned = obj(Map.of("name", s("b")));
        List<Diagnostic> d = TerraformRules.checkPlan("t_x", BLOCK, none(), config, planned);
        assertThat(d).hasSize(1);
        assertThat(d.get(0).summary()).isEqualTo("Provider bug: invalid plan for t_x for attribute \"name\"");
        assertThat(d.get(0).detail()).contains("the configuration says \"a\" but the plan says \"b\"");
        assertThat(d.get(0).path()).contains(CtyPath.ROOT.attr("name"));
    }

    @Test
    void sensitiveValuesNeverAppearInMessages() {
        CtyValue config = obj(Map.of("name", s("a"), "secret", s("hunter2")));
        CtyValue planned = obj(Map.of("name", s("a"), "secret", s("other")));
        List<Diagnostic> d = TerraformRules.checkPlan("t_x", BLOCK, none(), config, planned);
        assertThat(d).hasSize(1);
        assertThat(d.get(0).detail())
                .contains("(sensitive value)")
                .doesNotContain("hunter2")
                .doesNotContain("other");
    }

    @Test
    void aNonComputedAttributeLeftNullMustBePlannedNull() {
        CtyValue config = obj(Map.of("name", s("a")));
        CtyValue planned = obj(Map.of("name", s("a"), "note", s("invented")));
        assertThat(TerraformRules.checkPlan("t_x", BLOCK, none(), config, planned))
                .singleElement()
                .extracting(Diagnostic::detail)
                .asString()
                .contains("must be planned as null");
    }

    @Test
    void keepingThePriorValueOfAConfiguredAttributeIsAllowed() {
        CtyValue prior = obj(Map.of("name", s("A")));
        CtyValue config = obj(Map.of("name", s("a")));
        assertThat(TerraformRules.checkPlan("t_x", BLOCK, prior, config, prior)).isEmpty();
    }

    @Test
    void writeOnlyValuesMustNotBePlanned() {
        CtyValue config = obj(Map.of("name", s("a"), "token", s("t")));
        assertThat(TerraformRules.checkPlan("t_x", BLOCK, none(), config, config))
                .singleElement()
                .extracting(Diagnostic::detail)
                .asString()
                .contains("write-only attributes must be planned as null");
    }

    @Test
    void aConfiguredWriteOnlyValuePlannedAsNullIsValid() {
        CtyValue config = obj(Map.of("name", s("a"), "token", s("t")));
        CtyValue planned = obj(Map.of("name", s("a")));
        assertThat(TerraformRules.checkPlan("t_x", BLOCK, none(), config, planned))
                .isEmpty();
    }

    @Test
    void blockCountsMustMatchTheConfiguration() {
        CtyType.ObjectType disk = BLOCK.block("disk").orElseThrow().block().impliedType();
        CtyValue config = obj(Map.of(
                "name", s("a"), "disk", CtyValue.list(disk, List.of(CtyValue.object(disk, Map.of("label", s("x")))))));
        CtyValue planned = obj(Map.of("name", s("a")));
        assertThat(TerraformRules.checkPlan("t_x", BLOCK, none(), config, planned))
                .singleElement()
                .extracting(Diagnostic::detail)
                .asString()
                .contains("configured 1, planned 0");
    }

    @Test
    void applyResultsMustBeWhollyKnown() {
        CtyValue planned = obj(Map.of("name", s("a"), "id", CtyValue.unknown(CtyType.STRING)));
        List<Diagnostic> d = TerraformRules.checkApply("t_x", BLOCK, planned, planned, false);
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.detail()).contains("values must be wholly known after apply");
            assertThat(x.path()).contains(CtyPath.ROOT.attr("id"));
        });
    }

    @Test
    void aKnownPlannedValueMustNotChangeAtApply() {
        CtyValue planned = obj(Map.of("name", s("a"), "id", s("1")));
        CtyValue actual = obj(Map.of("name", s("a"), "id", s("2")));
        assertThat(TerraformRules.checkApply("t_x", BLOCK, planned, actual, false))
                .singleElement()
                .extracting(Diagnostic::detail)
                .asString()
                .contains("planned \"1\", now \"2\"");
    }

    @Test
    void aComputedValuePlannedNullThatAppearsAtApplyNamesTheRule() {
        CtyValue planned = obj(Map.of("name", s("a")));
        CtyValue actual = obj(Map.of("name", s("a"), "id", s("2")));
        assertThat(TerraformRules.checkApply("t_x", BLOCK, planned, actual, false))
                .singleElement()
                .extracting(Diagnostic::detail)
                .asString()
                .contains("must be planned as unknown");
    }

    @Test
    void createAndUpdateMustReturnAnObjectAndDeleteMustReturnNull() {
        CtyValue planned = obj(Map.of("name", s("a")));
        assertThat(TerraformRules.checkApply("t_x", BLOCK, planned, none(), false))
                .hasSize(1);
        assertThat(TerraformRules.checkApply("t_x", BLOCK, none(), planned, true))
                .hasSize(1);
        assertThat(TerraformRules.checkApply("t_x", BLOCK, none(), none(), true))
                .isEmpty();
        assertThat(TerraformRules.checkApply("t_x", BLOCK, planned, planned, false))
                .isEmpty();
    }

    @Test
    void stateMustNotCarryWriteOnlyValues() {
        CtyValue state = obj(Map.of("name", s("a"), "token", s("t")));
        assertThat(TerraformRules.checkState("t_x", "refresh", BLOCK, state))
                .singleElement()
                .extracting(Diagnostic::detail)
                .asString()
                .contains("write-only attributes must be null");
    }

    @Test
    void aValueOfTheWrongTypeIsReported() {
        CtyValue wrong =
                CtyValue.object(CtyType.object(Map.of("name", CtyType.NUMBER)), Map.of("name", CtyValue.number(1)));
        assertThat(TerraformRules.checkState("t_x", "refresh", BLOCK, wrong)).isNotEmpty();
    }
}
