package dev.tfjvm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.testing.TerraformCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole lifecycle of the demo provider driven by the real {@code terraform}, which installs
 * it offline from a filesystem mirror and launches it through the generated launcher, exactly as
 * a user's Terraform would. The steps build on each other, so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoAcceptanceIT {
    @TempDir
    static Path work;

    static TerraformCli tf;
    static Path store;

    @BeforeAll
    static void install() throws Exception {
        Path mirror = DemoInstall.mirror(work.resolve("install"));
        Path dir = Files.createDirectories(work.resolve("config"));
        store = dir.resolve("store");
        tf = new TerraformCli(dir).withMirror(mirror, "example.com/*/*");
        tf.file("main.tf", DemoConfigs.full(store, "web", "{ team = \"blue\" }", "eu-1"));
    }

    @Test
    @Order(1)
    void initInstallsFromTheMirrorOffline() {
        TerraformCli.Result r = tf.expect(0, "init", "-no-color");
        assertThat(r.stdout()).contains("Installing example.com/tfjvm/demo v" + System.getProperty("demo.version"));
        assertThat(tf.readFile(".terraform.lock.hcl")).contains("example.com/tfjvm/demo");
    }

    @Test
    @Order(2)
    void validateAcceptsTheConfiguration() {
        assertThat(tf.expect(0, "validate", "-no-color").stdout()).contains("The configuration is valid");
    }

    @Test
    @Order(3)
    void planShowsComputedValuesUnknownAndSecretsHidden() {
        TerraformCli.Result r = tf.expect(2, "plan", "-no-color", "-detailed-exitcode", "-out=tfplan");
        assertThat(r.stdout())
                .contains("demo_server.web will be created")
                .containsPattern("\\+ id +?= \\(known after apply\\)")
                .containsPattern("\\+ password +?= \\(sensitive value\\)")
                .containsPattern("\\+ bootstrap_token +?= \\(write-only attribute\\)")
                .containsPattern("\\+ size +?= 1\\b")
                .contains("Warning: Deprecated attribute");
    }

    @Test
    @Order(4)
    void applyStoresWhatTheProviderComputed() throws Exception {
        tf.expect(0, "apply", "-no-color", "tfplan");
        String state = tf.readFile("terraform.tfstate");
        assertThat(state)
                .contains("\"id\": \"srv-web\"")
                .contains("\"token_set\": true")
                .contains("\"bootstrap_token\": null")
                .contains("\"serial\": \"DSK-ROOT\"")
                .contains("\"mtu\": 1500")
                .contains("\"url\": \"http://web:8443/admin\"")
                .contains("\"revision\": 1")
                .contains("\"schema_version\": 1")
                .doesNotContain("s3cr3t-token");
        assertThat(tf.expect(0, "output", "-raw", "root_bytes").stdout()).isEqualTo("1610612736");
        assertThat(tf.expect(0, "output", "-raw", "looked_up_team").stdout()).isEqualTo("blue");
        assertThat(Files.exists(store.resolve("servers/srv-web.json"))).isTrue();
    }

    @Test
    @Order(5)
    void planRightAfterApplyHasNoChanges() {
        TerraformCli.Result r = tf.expect(0, "plan", "-no-color", "-detailed-exitcode");
        assertThat(r.stdout()).contains("No changes.");
    }

    @Test
    @Order(5)
    void refreshOnlyPlanRightAfterApplyFindsNoDrift() {
        // Terraform 1.11-1.14 compare refreshed numbers with the state file's by their internal
        // form; the root outputs root_bytes (a function's number) and looked_up_size (a data
        // source's number) are compared the same way.
        TerraformCli.Result r = tf.expect(0, "plan", "-no-color", "-refresh-only", "-detailed-exitcode");
        assertThat(r.stdout()).contains("No changes.");
        assertThat(tf.expect(0, "output", "-raw", "looked_up_size").stdout()).isEqualTo("1");
    }

    @Test
    @Order(6)
    void anInPlaceUpdateKeepsIdentityAndBumpsTheRevision() {
        tf.file("main.tf", DemoConfigs.full(store, "web", "{ team = \"green\" }", "eu-1"));
        TerraformCli.Result plan = tf.expect(2, "plan", "-no-color", "-detailed-exitcode");
        assertThat(plan.stdout())
                .contains("demo_server.web will be updated in-place")
                .containsPattern("~ revision +?= 1 -> \\(known after apply\\)")
                .doesNotContainPattern("created_at +?= \\(known after apply\\)");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        assertThat(tf.readFile("terraform.tfstate")).contains("\"revision\": 2").contains("\"green\"");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");
    }

    @Test
    @Order(7)
    void changingARequiresReplaceAttributePlansAReplacement() {
        tf.file("main.tf", DemoConfigs.full(store, "web", "{ team = \"green\" }", "eu-2"));
        TerraformCli.Result plan = tf.expect(2, "plan", "-no-color", "-detailed-exitcode");
        assertThat(plan.stdout()).contains("must be replaced").contains("# forces replacement");
        tf.file("main.tf", DemoConfigs.full(store, "web", "{ team = \"green\" }", "eu-1"));
    }

    @Test
    @Order(8)
    void anOutOfBandChangeIsDrift() throws Exception {
        Path record = store.resolve("servers/srv-web.json");
        String original = Files.readString(record);
        Files.writeString(record, original.replace("\"size\":1", "\"size\":3"));
        TerraformCli.Result r = tf.expect(2, "plan", "-no-color", "-refresh-only", "-detailed-exitcode");
        assertThat(r.stdout())
                .contains("Objects have changed outside of Terraform")
                .contains("~ size");
        Files.writeString(record, original);
    }

    @Test
    @Order(9)
    void importBringsAnExistingObjectUnderManagement() {
        tf.expect(0, "state", "rm", "demo_server.web");
        TerraformCli.Result r = tf.expect(0, "import", "-no-color", "demo_server.web", "srv-web");
        assertThat(r.stdout()).contains("Import successful!");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");
    }

    @Test
    @Order(10)
    void importOfAnUnknownIdExplainsTheFormat() {
        tf.expect(0, "state", "rm", "demo_server.web");
        TerraformCli.Result r = tf.expect(1, "import", "-no-color", "demo_server.web", "web");
        assertThat(r.errors()).contains("Invalid import id").contains("srv-<name>");
        tf.expect(0, "import", "-no-color", "demo_server.web", "srv-web");
    }

    @Test
    @Order(11)
    void stateFromAnOlderSchemaVersionIsUpgraded() throws Exception {
        StateFiles.downgradeServerToVersion0(tf.workDir().resolve("terraform.tfstate"), "web", "team=green");
        assertThat(tf.readFile("terraform.tfstate"))
                .containsPattern("\"schema_version\"\\s*:\\s*0")
                .contains("\"labels\"");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");
        tf.expect(0, "apply", "-no-color", "-refresh-only", "-auto-approve");
        assertThat(tf.readFile("terraform.tfstate"))
                .contains("\"schema_version\": 1")
                .doesNotContain("\"labels\"");
    }

    @Test
    @Order(12)
    void functionErrorsNameTheArgument() {
        tf.file("bad.tf", "output \"bad\" { value = provider::demo::parse_size(\"lots\") }\n");
        TerraformCli.Result plan = tf.expect(1, "plan", "-no-color");
        assertThat(plan.errors()).contains("\"lots\" is not a size");
        tf.file("bad.tf", "");
    }

    @Test
    @Order(13)
    void invalidValuesAreRejectedAtValidateWithTheAttributeNamed() {
        tf.file("bad.tf", "resource \"demo_server\" \"bad\" {\n  name = \"Not_Valid\"\n  size = 99\n}\n");
        TerraformCli.Result r = tf.expect(1, "validate", "-no-color");
        assertThat(r.errors())
                .contains("Invalid value for name")
                .contains("lowercase letters")
                .contains("Value out of range for size")
                .contains("between 1 and 64");
        tf.file("bad.tf", "");
    }

    @Test
    @Order(14)
    void destroyRemovesEverything() throws Exception {
        tf.expect(0, "destroy", "-no-color", "-auto-approve");
        assertThat(Files.exists(store.resolve("servers/srv-web.json"))).isFalse();
        assertThat(tf.readFile("terraform.tfstate")).doesNotContain("srv-web");
    }
}
