package dev.tfjvm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.testing.InProcessProvider;
import dev.tfjvm.testing.TerraformCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider served inside the test JVM in debug mode, and the real {@code terraform} attached
 * to it through TF_REATTACH_PROVIDERS: no installation, no init, the whole lifecycle.
 */
class ReattachIT {
    @TempDir
    static Path work;

    static InProcessProvider provider;
    static TerraformCli tf;
    static Path store;

    @BeforeAll
    static void start() throws Exception {
        provider = InProcessProvider.start(new DemoProvider(), DemoMain.SOURCE);
        Path dir = Files.createDirectories(work.resolve("config"));
        store = dir.resolve("store");
        tf = new TerraformCli(dir).withReattach(provider.reattachJson());
        tf.file("main.tf", DemoConfigs.full(store, "api", "{ team = \"red\" }", "us-1"));
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @Test
    void fullLifecycleThroughReattach() throws Exception {
        tf.expect(0, "validate", "-no-color");
        TerraformCli.Result apply = tf.expect(0, "apply", "-no-color", "-auto-approve");
        assertThat(apply.stdout()).contains("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
        assertThat(Files.exists(store.resolve("servers/srv-api.json"))).isTrue();

        assertThat(tf.expect(0, "plan", "-no-color", "-detailed-exitcode").stdout())
                .contains("No changes.");

        tf.expect(0, "state", "rm", "demo_server.api");
        assertThat(tf.expect(0, "import", "-no-color", "demo_server.api", "srv-api")
                        .stdout())
                .contains("Import successful!");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        StateFiles.downgradeServerToVersion0(tf.workDir().resolve("terraform.tfstate"), "api", "team=red");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        TerraformCli.Result destroy = tf.expect(0, "destroy", "-no-color", "-auto-approve");
        assertThat(destroy.stdout()).contains("Resources: 1 destroyed.");
        assertThat(Files.exists(store.resolve("servers/srv-api.json"))).isFalse();
    }
}
