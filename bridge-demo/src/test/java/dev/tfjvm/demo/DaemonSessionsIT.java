package dev.tfjvm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.testing.TerraformCli;
import dev.tfjvm.testing.TestDaemons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo provider through the provider daemon, as Terraform runs it: sessions of one daemon
 * keep their own configuration and working directory, and a killed Terraform leaves no session.
 */
class DaemonSessionsIT {
    private static final Pattern SESSIONS = Pattern.compile("\"sessions\":(\\d+)");

    @TempDir
    static Path work;

    static Path mirror;
    private Path daemons;

    @BeforeAll
    static void install() throws Exception {
        mirror = DemoInstall.mirror(work.resolve("install"));
    }

    @BeforeEach
    void daemonDirectory() {
        daemons = TestDaemons.newDirectory();
    }

    @AfterEach
    void stopDaemon() {
        TestDaemons.stop(daemons);
        assertThat(TestDaemons.daemons(daemons)).isEmpty();
    }

    /** A project whose store_dir is relative: each launch must resolve it in its own directory. */
    private TerraformCli project(String dirName, String hcl) throws IOException {
        Path dir = Files.createDirectories(work.resolve(dirName));
        TerraformCli tf = new TerraformCli(dir)
                .withMirror(mirror, "example.com/*/*")
                .env("TF_JVM_DAEMON_DIR", daemons.toString());
        tf.file(
                "main.tf",
                hcl.replace("store_dir = \"" + dir.resolve("store").toAbsolutePath() + "\"", "store_dir = \"store\""));
        tf.expect(0, "init", "-no-color");
        return tf;
    }

    @Test
    void twoAppliesAtOnceFromTwoDirectoriesWithDifferentConfigurations() throws Exception {
        Path a = work.resolve("alpha");
        Path b = work.resolve("beta");
        TerraformCli alpha =
                project("alpha", DemoConfigs.full(a.resolve("store"), "alpha", "{ team = \"a\" }", "eu-1"));
        TerraformCli beta = project("beta", DemoConfigs.full(b.resolve("store"), "beta", "{ team = \"b\" }", "us-2"));

        CompletableFuture<TerraformCli.Result> first =
                CompletableFuture.supplyAsync(() -> alpha.run("apply", "-no-color", "-auto-approve"));
        TerraformCli.Result second = beta.run("apply", "-no-color", "-auto-approve");
        assertThat(first.join().exitCode()).as(first.join().toString()).isZero();
        assertThat(second.exitCode()).as(second.toString()).isZero();

        assertThat(a.resolve("store/servers/srv-alpha.json")).exists();
        assertThat(a.resolve("store/servers/srv-beta.json")).doesNotExist();
        assertThat(b.resolve("store/servers/srv-beta.json")).exists();
        assertThat(b.resolve("store/servers/srv-alpha.json")).doesNotExist();
        assertThat(alpha.expect(0, "output", "-raw", "looked_up_team").stdout()).isEqualTo("a");
        assertThat(beta.expect(0, "output", "-raw", "looked_up_team").stdout()).isEqualTo("b");
        alpha.expect(0, "plan", "-no-color", "-detailed-exitcode");
        beta.expect(0, "plan", "-no-color", "-detailed-exitcode");
        assertThat(TestDaemons.daemons(daemons)).as("one daemon served both").hasSize(1);
    }

    @Test
    void terraformKilledMidApplyLeavesNoSession() throws Exception {
        Path dir = work.resolve("killed");
        TerraformCli tf = project("killed", DemoConfigs.buggy(dir.resolve("store"), "slow_create", ""));
        Process apply = tf.start("apply.txt", "apply", "-no-color", "-auto-approve");
        assertThat(eventually(
                        () -> read(dir.resolve("apply.txt")).contains("Still creating")
                                || read(dir.resolve("apply.txt")).contains("Creating..."),
                        60))
                .as(read(dir.resolve("apply.txt")))
                .isTrue();
        assertThat(lastSessionCount()).as(daemonLog()).isPositive();

        apply.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        assertThat(eventually(() -> lastSessionCount() == 0, 20))
                .as(daemonLog())
                .isTrue();
        assertThat(eventually(() -> launchers(dir).isEmpty(), 10))
                .as("no launcher left")
                .isTrue();
    }

    private static List<ProcessHandle> launchers(Path dir) {
        String name = dir.toString();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(p -> p.info().commandLine().orElse("").contains(name))
                    .toList();
        }
    }

    private int lastSessionCount() {
        Matcher m = SESSIONS.matcher(daemonLog());
        int last = -1;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }

    private String daemonLog() {
        try (Stream<Path> files = Files.list(daemons)) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                all.append(Files.readString(f));
            }
            return all.toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition, long seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
