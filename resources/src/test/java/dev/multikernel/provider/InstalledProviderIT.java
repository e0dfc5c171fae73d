package dev.multikernel.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.testing.TerraformCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged provider as users get it: {@code terraform init} installs it offline from the
 * filesystem mirror the build lays out (target/install), and Terraform launches the shaded jar
 * through the generated launcher.
 */
class InstalledProviderIT {
    @TempDir
    Path work;

    @Test
    void initInstallsFromTheMirrorAndTheFunctionsRun() throws Exception {
        Path mirror = Path.of(System.getProperty("provider.install")).resolve("mirror");
        TerraformCli tf = new TerraformCli(work).withMirror(mirror, Main.SOURCE_ADDRESS);
        tf.file(
                "main.tf",
                Files.readString(FunctionsIT.EXAMPLES.resolve("size_format").resolve("function.tf")));

        TerraformCli.Result init = tf.expect(0, "init", "-no-color");
        assertThat(init.stdout())
                .contains("Installing " + Main.SOURCE_ADDRESS + " v" + System.getProperty("provider.version"));

        tf.expect(0, "apply", "-no-color", "-auto-approve");
        assertThat(tf.expect(0, "output", "-no-color", "-json", "one_and_a_half_gib")
                        .stdout()
                        .strip())
                .isEqualTo("\"1536MiB\"");
    }
}
