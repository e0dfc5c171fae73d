package dev.tfjvm.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tfjvm.plugin.HealthOnlyMain;
import dev.tfjvm.testing.TestDaemons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real terraform binary launches an installed provider through the native launcher and the
 * provider daemon (the default) and with {@code TF_JVM_DAEMON=off}:
 * go-plugin handshake, AutoMTLS with Terraform's P-521 client certificate and grpc-go's ALPN
 * check, the first RPC, then GRPCController.Shutdown and a graceful exit. The provider is the
 * health-only test main, so Terraform's GetProviderSchema call ends in "not supported" —
 * which proves every step before it worked.
 */
class TerraformLaunchTest {
    private static final String ADDRESS = "example.com/tfjvm/healthonly";
    private static final String CONFIG = """
            terraform {
              required_providers {
                healthonly = { source = "example.com/tfjvm/healthonly" }
              }
            }
            provider "healthonly" {}
            """;

    @TempDir
    Path temp;

    private InstallLayout.Result installed;
    private Path work;
    private Path daemons;

    @BeforeAll
    static void terraformOnPath() throws Exception {
        boolean found;
        try {
            Process p = new ProcessBuilder("terraform", "version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            found = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            found = false;
        }
        assumeTrue(found, "terraform is not on the PATH");
    }

    @BeforeEach
    void install() throws IOException {
        Path jar = Jars.classPathJar(temp.resolve("healthonly.jar"), HealthOnlyMain.class);
        installed = InstallLayout.install(new InstallLayout.Request(
                jar, ProviderAddress.parse(ADDRESS), "0.1.0", temp.resolve("out"), InstallLayout.currentPlatform()));
        work = Files.createDirectories(temp.resolve("work"));
        daemons = TestDaemons.newDirectory();
        Files.writeString(work.resolve("main.tf"), CONFIG);
    }

    @AfterEach
    void stopDaemon() {
        TestDaemons.stop(daemons);
        assertThat(TestDaemons.daemons(daemons)).isEmpty();
    }

    record Run(int exit, String output, String log) {}

    private Run terraform(Path cliConfig, String... args) throws Exception {
        return terraformIn(work, Map.of(), cliConfig, args);
    }

    private Run terraformIn(Path dir, Map<String, String> extra, Path cliConfig, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("terraform"));
        command.addAll(List.of(args));
        command.add("-no-color");
        Path log = temp.resolve("terraform-" + System.nanoTime() + ".log");
        Path output = temp.resolve("output-" + System.nanoTime() + ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("TF_") || k.startsWith("PLUGIN_"));
        env.putAll(Map.of(
                "TF_CLI_CONFIG_FILE",
                cliConfig.toString(),
                "CHECKPOINT_DISABLE",
                "1",
                "TF_LOG",
                "debug",
                "TF_LOG_PATH",
                log.toString(),
                "TF_JVM_CDS",
                "off",
                "TF_IN_AUTOMATION",
                "1",
                "JAVA_HOME",
                System.getProperty("java.home"),
                "TF_JVM_DAEMON_DIR",
                daemons.toString()));
        env.putAll(extra);
        Process p = builder.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("terraform finished").isTrue();
        return new Run(p.exitValue(), Files.readString(output), Files.exists(log) ? Files.readString(log) : "");
    }

    private static void assertProviderLaunchedOverMtlsAndExitedGracefully(Run run) {
        assertThat(run.output())
                .as(run.log())
                .contains("GetProviderSchema")
                .contains("not supported")
                .doesNotContain("Unrecognized remote plugin message");
        assertThat(run.log())
                .contains("configuring client automatic mTLS")
                .contains("using plugin: version=6")
                .contains("tls=true")
                .contains("shutdown requested by the plugin client")
                .contains("plugin process exited")
                .doesNotContain("plugin failed to exit gracefully")
                // the test main's System.out.println reached Terraform through stderr
                .contains("stray output from a library");
    }

    @Test
    void devOverridesLaunchTheProviderThroughTheLauncher() throws Exception {
        Run run = terraform(installed.overridesConfig(), "validate");

        assertThat(run.exit()).isNotZero();
        assertProviderLaunchedOverMtlsAndExitedGracefully(run);
    }

    @Test
    void byDefaultTheLaunchIsServedByTheDaemonAndWithTheDaemonOffByTheLauncher() throws Exception {
        Run run = terraform(installed.overridesConfig(), "validate");
        assertProviderLaunchedOverMtlsAndExitedGracefully(run);
        assertThat(TestDaemons.daemons(daemons))
                .as("the daemon stays for the next launch")
                .hasSize(1);
        TestDaemons.stop(daemons);
        daemons = TestDaemons.newDirectory();

        Run off = terraformIn(work, Map.of("TF_JVM_DAEMON", "off"), installed.overridesConfig(), "validate");
        assertProviderLaunchedOverMtlsAndExitedGracefully(off);
        assertThat(TestDaemons.daemons(daemons)).isEmpty();
    }

    @Test
    void twoTerraformCommandsAtOnceFromTwoDirectoriesShareOneDaemon() throws Exception {
        Path other = Files.createDirectories(temp.resolve("other"));
        Files.writeString(other.resolve("main.tf"), CONFIG);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> terraformIn(work, Map.of(), installed.overridesConfig(), "validate"));
            var b = pool.submit(() -> terraformIn(other, Map.of(), installed.overridesConfig(), "validate"));
            assertProviderLaunchedOverMtlsAndExitedGracefully(a.get());
            assertProviderLaunchedOverMtlsAndExitedGracefully(b.get());
        } finally {
            pool.shutdownNow();
        }
        assertThat(TestDaemons.daemons(daemons)).hasSize(1);
    }

    @Test
    void filesystemMirrorInstallsOfflineAndLaunchesFromTerraformsProviderDirectory() throws Exception {
        Run init = terraform(installed.mirrorConfig(), "init", "-input=false");
        assertThat(init.exit()).as(init.output()).isZero();
        assertThat(init.output())
                .contains("Installing example.com/tfjvm/healthonly v0.1.0")
                .contains("successfully initialized");
        assertThat(work.resolve(".terraform.lock.hcl")).content().contains("h1:");
        assertThat(work.resolve(".terraform/providers/example.com/tfjvm/healthonly/0.1.0")
                        .resolve(InstallLayout.currentPlatform()))
                .isSymbolicLink();

        Run validate = terraform(installed.mirrorConfig(), "validate");
        assertThat(validate.exit()).isNotZero();
        assertProviderLaunchedOverMtlsAndExitedGracefully(validate);
        assertThat(validate.log()).contains(".terraform/providers/example.com/tfjvm/healthonly");
    }

    @Test
    void terraformShowsTheLaunchersOneLineWhenThereIsNoJava() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        for (String tool : List.of("bash", "env", "readlink", "dirname")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool));
        }
        Run run = terraformIn(
                work,
                Map.of(
                        "PATH",
                        bin.toString(),
                        "JAVA_HOME",
                        temp.resolve("no-such-jdk").toString()),
                installed.overridesConfig(),
                "validate");

        assertThat(run.exit()).isNotZero();
        // what a user sees without TF_LOG: the launcher's line, not "Failed to read any lines"
        // (Terraform wraps it)
        assertThat(run.output().replaceAll("\\s+", " "))
                .as(run.log())
                .contains("Unrecognized remote plugin message: "
                        + "terraform-provider-healthonly 0.1.0 cannot start: no Java found; it needs Java 17 or newer");
    }
}
