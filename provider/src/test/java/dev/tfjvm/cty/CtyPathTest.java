package dev.tfjvm.cty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CtyPathTest {

    @Test
    void rendersLikeTerraformAddresses() {
        assertThat(CtyPath.ROOT.attr("rule").index(2).attr("name")).hasToString("rule[2].name");
        assertThat(CtyPath.ROOT.attr("tags").key("a")).hasToString("tags[\"a\"]");
        assertThat(CtyPath.ROOT.attr("tags").key("say \"hi\"\n")).hasToString("tags[\"say \\\"hi\\\"\\n\"]");
        assertThat(CtyPath.ROOT.index(0).attr("x")).hasToString("[0].x");
        assertThat(CtyPath.ROOT).hasToString("");
    }

    @Test
    void stepsParentsAndPrefixes() {
        CtyPath p = CtyPath.ROOT.attr("rule").index(2).attr("name");
        assertThat(p.steps())
                .containsExactly(
                        new CtyPath.AttributeName("rule"),
                        new CtyPath.ElementKeyInt(2),
                        new CtyPath.AttributeName("name"));
        assertThat(p.parent()).isEqualTo(CtyPath.ROOT.attr("rule").index(2));
        assertThat(p.lastStep()).contains(new CtyPath.AttributeName("name"));
        assertThat(CtyPath.ROOT.isRoot()).isTrue();
        assertThat(p.isRoot()).isFalse();
        assertThat(CtyPath.ROOT.attr("rule").isPrefixOf(p)).isTrue();
        assertThat(p.isPrefixOf(CtyPath.ROOT.attr("rule"))).isFalse();
        assertThat(CtyPath.of(new CtyPath.AttributeName("rule"))).isEqualTo(CtyPath.ROOT.attr("rule"));
        assertThatThrownBy(CtyPath.ROOT::parent).isInstanceOf(IllegalStateException.class);
    }
}
