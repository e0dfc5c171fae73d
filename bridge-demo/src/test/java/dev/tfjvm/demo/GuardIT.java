package dev.tfjvm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.testing.TerraformCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider that breaks Terraform's rules: the user sees the bridge's diagnostic naming the
 * resource type, the attribute and the rule, not Terraform's late "inconsistent result".
 */
class GuardIT {
    @TempDir
    static Path work;

    static Path mirror;

    @BeforeAll
    static void install() throws Exception {
        mirror = DemoInstall.mirror(work.resolve("install"));
    }

    private static TerraformCli project(String name, String misbehave, String extra) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        TerraformCli tf = new TerraformCli(dir).withMirror(mirror, "example.com/*/*");
        tf.file("main.tf", DemoConfigs.buggy(dir.resolve("store"), misbehave, extra));
        tf.expect(0, "init", "-no-color");
        return tf;
    }

    @Test
    void aPlanThatChangesAConfiguredValueIsReportedByTheGuard() throws Exception {
        TerraformCli tf = project("plan", "plan_changes_config", "");
        TerraformCli.Result r = tf.expect(1, "plan", "-no-color");
        assertThat(r.errors())
                .contains("Provider bug: invalid plan for demo_buggy for attribute \"value\"")
                .contains("an attribute must be planned as configured")
                .contains("the configuration says \"v\" but the plan says \"v-changed\"")
                .doesNotContain("Provider produced invalid plan");
    }

    @Test
    void aComputedValuePlannedNullButSetAtApplyIsReportedByTheGuard() throws Exception {
        TerraformCli tf = project("nullset", "computed_null_then_set", "");
        TerraformCli.Result r = tf.expect(1, "apply", "-no-color", "-auto-approve");
        assertThat(r.errors())
                .contains("Provider bug: invalid apply for demo_buggy for attribute \"result\"")
                .contains("must be planned as unknown")
                .doesNotContain("Provider produced inconsistent result after apply");
    }

    @Test
    void anUnknownValueAfterApplyIsReportedByTheGuard() throws Exception {
        TerraformCli tf = project("unknown", "unknown_after_apply", "");
        TerraformCli.Result r = tf.expect(1, "apply", "-no-color", "-auto-approve");
        assertThat(r.errors())
                .contains("Provider bug: invalid apply for demo_buggy for attribute \"result\"")
                .contains("values must be wholly known after apply")
                .doesNotContain("Provider returned invalid result object after apply");
    }

    @Test
    void anOperationPastItsTimeoutFailsAndNothingIsStored() throws Exception {
        TerraformCli tf = project("timeout", "slow_create", "timeouts {\n    create = \"1s\"\n  }");
        TerraformCli.Result r = tf.expect(1, "apply", "-no-color", "-auto-approve");
        assertThat(r.errors()).contains("Timed out: create demo_buggy").contains("did not finish within 1s");
        assertThat(tf.readFile("terraform.tfstate")).doesNotContain("demo_buggy");
    }

    @Test
    void aBadTimeoutValueIsRejectedWithTheAttributeNamed() throws Exception {
        TerraformCli tf = project("badtimeout", "slow_create", "timeouts {\n    create = \"soon\"\n  }");
        TerraformCli.Result r = tf.expect(1, "validate", "-no-color");
        assertThat(r.errors()).contains("Invalid timeout").contains("\"soon\" is not a duration");
    }
}
