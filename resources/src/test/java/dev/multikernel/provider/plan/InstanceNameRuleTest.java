package dev.multikernel.provider.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InstanceNameRuleTest {
    @Test
    void acceptsOrdinaryNames() {
        assertThat(InstanceNameRule.problem("web-1_a.b")).isEmpty();
        assertThat(InstanceNameRule.problem("x".repeat(255))).isEmpty();
    }

    @Test
    void rejectsWithAReason() {
        assertThat(InstanceNameRule.problem(""))
                .contains("The instance name is empty; give it a name such as \"web\".");
        assertThat(InstanceNameRule.problem("a/b"))
                .hasValueSatisfying(p -> assertThat(p).contains("contains '/'"));
        assertThat(InstanceNameRule.problem(".."))
                .hasValueSatisfying(p -> assertThat(p).contains("pick another name"));
        assertThat(InstanceNameRule.problem("a\tb"))
                .hasValueSatisfying(p -> assertThat(p).contains("position 2"));
        assertThat(InstanceNameRule.problem("é")).isPresent();
        assertThat(InstanceNameRule.problem("x".repeat(256)))
                .contains("The instance name is 256 characters long; the kernel allows 255.");
    }
}
