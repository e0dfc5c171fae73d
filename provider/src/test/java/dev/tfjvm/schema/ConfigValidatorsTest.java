package dev.tfjvm.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.diag.Diagnostics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigValidatorsTest {
    static final Block BLOCK = Block.builder()
            .attribute(Attribute.string("cpus").optional())
            .attribute(Attribute.number("cpu_count").optional())
            .attribute(Attribute.string("cpu_policy").optional())
            .build();

    /** A configuration with the given attributes set ("?" for unknown), the others null. */
    static CtyValue.ObjectVal config(String... set) {
        Map<String, CtyValue> values = new HashMap<>();
        for (Attribute a : BLOCK.attributes()) {
            values.put(a.name(), CtyValue.nullOf(a.type()));
        }
        for (String s : set) {
            String name = s.replace("?", "");
            CtyType type = BLOCK.attribute(name).orElseThrow().type();
            values.put(
                    name,
                    s.endsWith("?")
                            ? CtyValue.unknown(type)
                            : type == CtyType.NUMBER ? CtyValue.number(1) : CtyValue.string("x"));
        }
        return CtyValue.object(BLOCK.impliedType(), values);
    }

    static List<Diagnostic> run(ConfigValidator v, CtyValue.ObjectVal config) {
        Diagnostics d = new Diagnostics();
        v.validate(config, d);
        return d.all();
    }

    @Test
    void conflictingReportsOnceOnTheLaterAttribute() {
        ConfigValidator v = ConfigValidators.conflicting("cpus", "cpu_count");
        assertThat(run(v, config("cpus"))).isEmpty();
        assertThat(run(v, config())).isEmpty();
        assertThat(run(v, config("cpus", "cpu_count?")))
                .as("an unknown value counts as written")
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.path()).contains(CtyPath.ROOT.attr("cpu_count"));
                    assertThat(d.detail())
                            .isEqualTo(
                                    "cpus and cpu_count cannot be used together: keep one of them and remove the other.");
                });
    }

    @Test
    void exactlyOneOfWantsOneButNotWhileOneIsUnknown() {
        ConfigValidator v = ConfigValidators.exactlyOneOf("cpus", "cpu_count");
        assertThat(run(v, config("cpu_count"))).isEmpty();
        assertThat(run(v, config("cpu_count?"))).isEmpty();
        assertThat(run(v, config())).singleElement().satisfies(d -> {
            assertThat(d.path()).isEmpty();
            assertThat(d.detail()).isEqualTo("Set one of cpus and cpu_count.");
        });
        assertThat(run(v, config("cpus", "cpu_count"))).hasSize(1);
    }

    @Test
    void requiredWithNamesWhatIsMissing() {
        ConfigValidator v = ConfigValidators.requiredWith("cpu_policy", "cpu_count");
        assertThat(run(v, config("cpu_policy", "cpu_count"))).isEmpty();
        assertThat(run(v, config("cpu_count"))).isEmpty();
        assertThat(run(v, config("cpu_policy", "cpu_count?"))).isEmpty();
        assertThat(run(v, config("cpu_policy"))).singleElement().satisfies(d -> {
            assertThat(d.path()).contains(CtyPath.ROOT.attr("cpu_policy"));
            assertThat(d.detail())
                    .isEqualTo(
                            "cpu_policy is set, so cpu_count must be set too: set cpu_count, or leave cpu_policy out.");
        });
    }

    @Test
    void atLeastOneOf() {
        ConfigValidator v = ConfigValidators.atLeastOneOf("cpus", "cpu_count");
        assertThat(run(v, config("cpus", "cpu_count"))).isEmpty();
        assertThat(run(v, config())).hasSize(1);
    }
}
