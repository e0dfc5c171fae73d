package dev.tfjvm.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import org.junit.jupiter.api.Test;

class SchemaRulesTest {
    private static Schema of(Block.Builder b) {
        return Schema.of(b.build());
    }

    @Test
    void aValidSchemaHasNoProblems() {
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(Attribute.string("name").required())
                                .attribute(Attribute.number("size")
                                        .optional()
                                        .computed()
                                        .defaultValue(CtyValue.number(1)))
                                .block(
                                        "disk",
                                        Nesting.LIST,
                                        Block.builder()
                                                .attribute(Attribute.string("x").optional())
                                                .build()))))
                .isEmpty();
    }

    @Test
    void eachTerraformRuleIsCheckedAndNamesTheAttribute() {
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(Attribute.string("Bad-Name").required()))))
                .singleElement()
                .asString()
                .contains("t.Bad-Name")
                .contains("a-z, 0-9 and _");
        assertThat(SchemaRules.problems("t", of(Block.builder().attribute(Attribute.string("a")))))
                .singleElement()
                .asString()
                .contains("must be required, optional or computed");
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(Attribute.string("a").required().optional()))))
                .singleElement()
                .asString()
                .contains("both required and optional");
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(Attribute.string("a").required().computed()))))
                .singleElement()
                .asString()
                .contains("both required and computed");
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(Attribute.string("a")
                                        .optional()
                                        .writeOnly()
                                        .computed()))))
                .anySatisfy(p -> assertThat(p).contains("write-only attribute cannot be computed"));
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(Attribute.string("a").optional())
                                .block("a", Nesting.LIST, Block.empty()))))
                .singleElement()
                .asString()
                .contains("both an attribute and a block");
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .block(
                                        "s",
                                        Nesting.SET,
                                        Block.builder()
                                                .attribute(Attribute.string("w")
                                                        .optional()
                                                        .writeOnly())
                                                .build()))))
                .singleElement()
                .asString()
                .contains("not allowed inside set nesting");
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .block(
                                        "s",
                                        Nesting.SET,
                                        Block.builder()
                                                .attribute(Attribute.of("d", CtyType.DYNAMIC)
                                                        .optional())
                                                .build()))))
                .singleElement()
                .asString()
                .contains("dynamic types are not allowed inside set");
        assertThat(SchemaRules.problems("t", of(Block.builder().block("s", Nesting.SINGLE, Block.empty(), 0, 2))))
                .singleElement()
                .asString()
                .contains("SINGLE block");
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(Attribute.number("n").optional().defaultValue(CtyValue.number(1))))))
                .singleElement()
                .asString()
                .contains("optional and computed");
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(Attribute.number("n")
                                        .optional()
                                        .computed()
                                        .defaultValue(CtyValue.string("x"))))))
                .singleElement()
                .asString()
                .contains("does not fit the attribute's type");
    }

    @Test
    void aValidatorGivenAnAttributeItCannotCheckIsAProblem() {
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(
                                        Attribute.string("memory").optional().validators(Validators.between(1, 10))))))
                .singleElement()
                .asString()
                .contains("t.memory")
                .contains("Between 1 and 10")
                .contains("string");
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(Attribute.number("port").optional().validators(Validators.oneOf("a"))))))
                .singleElement()
                .asString()
                .contains("t.port")
                .contains("number");
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder()
                                .attribute(Attribute.of("tags", dev.tfjvm.cty.CtyType.map(dev.tfjvm.cty.CtyType.STRING))
                                        .optional()
                                        .validators(Validators.lengthBetween(0, 3))))))
                .isEmpty();
    }

    @Test
    void aConfigValidatorMustNameAttributesOfTheSchema() {
        assertThat(SchemaRules.problems(
                        "t",
                        of(Block.builder().attribute(Attribute.string("cpus").optional())),
                        java.util.List.of(ConfigValidators.conflicting("cpus", "cpu_cuont"))))
                .singleElement()
                .asString()
                .contains("cpu_cuont")
                .contains("not an attribute");
    }
}
