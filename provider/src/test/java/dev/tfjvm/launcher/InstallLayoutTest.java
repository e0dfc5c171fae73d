package dev.tfjvm.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallLayoutTest {
    private static final String HANDSHAKE = "1|6|tcp|127.0.0.1:1234|grpc|";
    private static final ProviderAddress ADDRESS = ProviderAddress.parse("example.com/acme/stub");

    @TempDir
    Path temp;

    private Path cache;
    private InstallLayout.Result installed;

    @BeforeEach
    void install() throws IOException {
        cache = Files.createDirectories(temp.resolve("cache"));
        Path jar = Jars.singleClassJar(temp.resolve("stub.jar"), StubProviderMain.class);
        installed = InstallLayout.install(
                new InstallLayout.Request(jar, ADDRESS, "1.2.3", temp.resolve("out"), "linux_amd64"));
    }

    /** The JVM launcher script, which the native launcher runs (and which these tests check). */
    private Path script() {
        return installed.packageDir().resolve(InstallLayout.SCRIPT_PATH);
    }

    record Run(int exit, String stdout, String stderr) {}

    private Run run(Path launcher, Map<String, String> env, String... args) throws Exception {
        return run(launcher, temp.toFile(), env, args);
    }

    private Run run(Path launcher, java.io.File workingDirectory, Map<String, String> env, String... args)
            throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory);
        builder.environment().remove("TF_JVM_OPTS");
        builder.environment().remove("TF_JVM_JAVA");
        builder.environment().remove("TF_JVM_CDS");
        builder.environment().put("XDG_CACHE_HOME", cache.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        Path out = Files.createTempFile(temp, "out", ".txt");
        Path err = Files.createTempFile(temp, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = builder.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Optional<Path> archive() throws IOException {
        Path dir = cache.resolve("tf-jvm");
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa"))
                    .findFirst();
        }
    }

    private Path awaitArchive() throws Exception {
        for (int i = 0; i < 600; i++) {
            Optional<Path> found = archive();
            if (found.isPresent() && !Files.exists(Path.of(found.get() + ".lock"))) {
                return found.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the background CDS training did not produce an archive in " + cache);
    }

    @Test
    void writesTheFilesystemMirrorLayout() throws IOException {
        Path packageDir = temp.resolve("out/mirror/example.com/acme/stub/1.2.3/linux_amd64")
                .toAbsolutePath();

        assertThat(installed.packageDir()).isEqualTo(packageDir);
        assertThat(installed.launcher()).isEqualTo(packageDir.resolve("terraform-provider-stub_v1.2.3"));
        assertThat(installed.jar()).isEqualTo(packageDir.resolve("lib/provider.jar"));
        assertThat(Files.getPosixFilePermissions(installed.launcher()))
                .contains(
                        PosixFilePermission.OWNER_EXECUTE,
                        PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE);
        assertThat(Files.readAllBytes(installed.jar())).isEqualTo(Files.readAllBytes(temp.resolve("stub.jar")));
        try (Stream<Path> entries = Files.list(packageDir)) {
            assertThat(entries.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith("terraform-provider-stub")))
                    .as("only the launcher looks like the provider executable")
                    .containsExactly("terraform-provider-stub_v1.2.3");
        }
        String script = Files.readString(script());
        assertThat(script)
                .startsWith("#!/usr/bin/env bash\n")
                .doesNotContain("@PROVIDER")
                .doesNotContain("@JAR_PATH@")
                .contains("exec \"$java\"")
                .contains("example.com/acme/stub 1.2.3");
    }

    @Test
    void installsTheNativeLauncherOnLinuxAmd64() throws IOException {
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(installed.launcher()), 4);
        assertThat(head).as("an ELF executable").containsExactly(0x7f, 'E', 'L', 'F');
        assertThat(Files.getPosixFilePermissions(script())).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.readString(script())).contains("jar=\"$dir/provider.jar\"");
    }

    @Test
    void writesSampleCliConfigurations() throws IOException {
        assertThat(Files.readString(installed.mirrorConfig()))
                .contains("filesystem_mirror")
                .contains("path    = \"" + installed.mirrorDir() + "\"")
                .contains("include = [\"example.com/acme/stub\"]")
                .contains("exclude = [\"example.com/acme/stub\"]");
        assertThat(Files.readString(installed.overridesConfig()))
                .contains("dev_overrides")
                .contains("\"example.com/acme/stub\" = \"" + installed.packageDir() + "\"");
    }

    @Test
    void launcherRunsTheJarWithCleanStdoutBeforeAndAfterTheCdsArchiveExists() throws Exception {
        Run first = run(script(), Map.of());
        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(first.stdout()).isEqualTo(HANDSHAKE + "\n");
        assertThat(first.stderr())
                .contains("stub provider args=[]")
                .contains("archive=none")
                .contains("-XX:TieredStopAtLevel=1");

        Path archive = awaitArchive();
        assertThat(archive.getFileName().toString()).startsWith("stub-1.2.3-");

        Run second = run(script(), Map.of());
        assertThat(second.exit()).as(second.stderr()).isZero();
        assertThat(second.stdout()).isEqualTo(HANDSHAKE + "\n");
        assertThat(second.stderr()).contains("archive=-XX:SharedArchiveFile=" + archive);
    }

    @Test
    void aMismatchedArchiveWarnsOnStderrNeverOnStdout() throws Exception {
        run(script(), Map.of());
        Path archive = awaitArchive();
        // An archive recorded for another jar: the JVM rejects it with a warning, which by
        // default it prints on stdout, where it would break the plugin handshake.
        Path otherJar = Jars.singleClassJar(temp.resolve("other.jar"), StubProviderMain.class);
        Path otherArchive = temp.resolve("other.jsa");
        Process dump = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:ArchiveClassesAtExit=" + otherArchive,
                        "-jar",
                        otherJar.toString(),
                        "--cds-training")
                .redirectErrorStream(true)
                .redirectOutput(temp.resolve("dump.log").toFile())
                .start();
        assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Files.copy(otherArchive, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Run mismatched = run(script(), Map.of());

        assertThat(mismatched.exit()).as(mismatched.stderr()).isZero();
        assertThat(mismatched.stdout()).isEqualTo(HANDSHAKE + "\n");
        assertThat(mismatched.stderr()).contains("[warning][cds");
    }

    @Test
    void aDamagedArchiveIsIgnored() throws Exception {
        run(script(), Map.of());
        Path archive = awaitArchive();
        Files.write(archive, "this is not a CDS archive".repeat(100).getBytes(StandardCharsets.UTF_8));

        Run damaged = run(script(), Map.of());

        assertThat(damaged.exit()).as(damaged.stderr()).isZero();
        assertThat(damaged.stdout()).isEqualTo(HANDSHAKE + "\n");
    }

    @Test
    void worksThroughASymlinkedDirectoryLikeTerraformsProviderCache() throws Exception {
        Path linked = temp.resolve("dot-terraform/providers/example.com/acme/stub/1.2.3/linux_amd64");
        Files.createDirectories(linked.getParent());
        Files.createSymbolicLink(linked, installed.packageDir());

        Run run = run(linked.resolve(installed.launcher().getFileName()), Map.of("TF_JVM_CDS", "off"), "--debug");

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(HANDSHAKE + "\n");
        assertThat(run.stderr()).contains("args=[--debug]");
        assertThat(archive()).as("TF_JVM_CDS=off").isEmpty();
    }

    @Test
    void keepsTheCallersWorkingDirectory() throws Exception {
        Path workDir = Files.createDirectories(temp.resolve("terraform-working-dir"));

        Run run = run(script(), workDir.toFile(), Map.of("TF_JVM_CDS", "off"));

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("cwd=" + workDir.toRealPath() + " ");
    }

    @Test
    void aRebuiltJarMakesTheArchiveStaleAndIsRetrained() throws Exception {
        run(script(), Map.of());
        Path archive = awaitArchive();
        Files.setLastModifiedTime(
                archive, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        // "Rebuild": same path, newer than the archive.
        Files.setLastModifiedTime(
                installed.jar(), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));

        Run stale = run(script(), Map.of());
        assertThat(stale.stdout()).isEqualTo(HANDSHAKE + "\n");
        assertThat(stale.stderr()).as("a stale archive is not used").contains("archive=none");

        for (int i = 0;
                i < 600
                        && Files.getLastModifiedTime(archive).toMillis()
                                < Files.getLastModifiedTime(installed.jar()).toMillis();
                i++) {
            Thread.sleep(200);
        }
        awaitArchive();
        Run retrained = run(script(), Map.of());
        assertThat(retrained.stderr()).contains("archive=-XX:SharedArchiveFile=" + archive);
    }

    @Test
    void appendsTfJvmOptsAndHonoursTfJvmJava() throws Exception {
        Path marker = temp.resolve("wrapper-ran");
        Path wrapper = temp.resolve("java-wrapper");
        Files.writeString(
                wrapper,
                "#!/bin/sh\ntouch '" + marker + "'\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                        + "' \"$@\"\n");
        wrapper.toFile().setExecutable(true);

        Run run = run(
                script(),
                Map.of(
                        "TF_JVM_OPTS",
                        "-Dstub.echo=hello  -Xmx64m",
                        "TF_JVM_JAVA",
                        wrapper.toString(),
                        "TF_JVM_CDS",
                        "off"));

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(HANDSHAKE + "\n");
        assertThat(run.stderr()).contains("echo=hello").contains("-Xmx64m");
        assertThat(marker).exists();
    }

    /** A PATH with the tools the launcher may use, and no java. */
    private Map<String, String> withoutJava() throws IOException {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        for (String tool : List.of("bash", "readlink", "dirname")) {
            Path link = bin.resolve(tool);
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("/usr/bin", tool));
            }
        }
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin.toString());
        env.put("JAVA_HOME", temp.resolve("no-such-jdk").toString());
        return env;
    }

    /** Terraform shows the user the first stdout line of a plugin that fails before its handshake. */
    private static void assertOneLineFailure(Run run, String... contains) {
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stdout())
                .startsWith("terraform-provider-stub 1.2.3 cannot start: ")
                .endsWith("\n")
                .contains(contains);
        assertThat(run.stdout().strip()).doesNotContain("\n");
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void explainsAMissingJava() throws Exception {
        Run run = run(installed.launcher(), withoutJava());

        assertOneLineFailure(run, "no Java found", "Java 17 or newer", "JAVA_HOME");
    }

    @Test
    void explainsAJavaOlderThan17() throws Exception {
        Path jdk = Files.createDirectories(temp.resolve("jdk11/bin"));
        Path java = jdk.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'old java ran' >&2\nexit 3\n");
        java.toFile().setExecutable(true);
        Files.writeString(jdk.resolveSibling("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.2\"\n");
        Map<String, String> env = withoutJava();
        env.put("JAVA_HOME", jdk.getParent().toString());

        Run run = run(script(), env);

        assertOneLineFailure(run, java.toString(), "is Java 11.0.2", "needs Java 17 or newer");
    }

    @Test
    void explainsAJavaWithoutAReleaseFileByAskingIt() throws Exception {
        Path java = Files.createDirectories(temp.resolve("jdk8/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'java version \"1.8.0_292\"' >&2\n");
        java.toFile().setExecutable(true);
        Map<String, String> env = withoutJava();
        env.put("TF_JVM_JAVA", java.toString());

        Run run = run(installed.launcher(), env);

        assertOneLineFailure(run, "is Java 1.8.0_292", "needs Java 17 or newer");
    }

    @Test
    void staysOneLineForAJavaThatDoesNotNameItsVersion() throws Exception {
        Path java = Files.createDirectories(temp.resolve("odd/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf 'something\\nelse\\n' >&2\n");
        java.toFile().setExecutable(true);
        Map<String, String> env = withoutJava();
        env.put("TF_JVM_JAVA", java.toString());

        Run run = run(installed.launcher(), env);

        assertOneLineFailure(run, "needs Java 17 or newer");
    }

    @Test
    void explainsATfJvmJavaThatIsNotThere() throws Exception {
        Map<String, String> env = withoutJava();
        env.put("TF_JVM_JAVA", temp.resolve("nowhere/java").toString());

        Run run = run(installed.launcher(), env);

        assertOneLineFailure(run, "TF_JVM_JAVA=", "not an executable java");
    }

    @Test
    void prefersTheBundledRuntimeAndNeedsNoJavaOnThePath() throws Exception {
        Files.createSymbolicLink(installed.packageDir().resolve("runtime"), Path.of(System.getProperty("java.home")));
        Map<String, String> env = withoutJava();
        env.put("TF_JVM_JAVA", temp.resolve("nowhere/java").toString());

        Run run = run(installed.launcher(), env);

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(HANDSHAKE + "\n");
    }

    @Test
    void explainsADamagedBundledRuntime() throws Exception {
        Files.createDirectories(installed.packageDir().resolve("runtime/bin"));

        Run run = run(installed.launcher(), Map.of());

        assertOneLineFailure(run, "bundled Java runtime", "reinstall the provider");
    }

    @Test
    void explainsAMissingJar() throws Exception {
        Files.delete(installed.jar());

        Run run = run(script(), Map.of());

        assertOneLineFailure(run, "provider.jar", "missing", "reinstall the provider");
    }

    @Test
    void rejectsInvalidInput() {
        assertThatThrownBy(() -> ProviderAddress.parse("acme/stub")).hasMessageContaining("hostname/namespace/type");
        assertThatThrownBy(() -> ProviderAddress.parse("example.com/acme/terraform-provider-stub"))
                .hasMessageContaining("without the terraform-provider- prefix");
        assertThatThrownBy(() -> ProviderAddress.parse("exa mple.com/acme/stub"))
                .hasMessageContaining("hostname");
        Path jar = temp.resolve("stub.jar");
        assertThatThrownBy(() -> new InstallLayout.Request(jar, ADDRESS, "v1.0", temp, "linux_amd64"))
                .hasMessageContaining("semantic version");
        assertThatThrownBy(() -> new InstallLayout.Request(jar, ADDRESS, "1.0.0", temp, "linux"))
                .hasMessageContaining("OS_ARCH");
        assertThatThrownBy(() -> InstallLayout.install(
                        new InstallLayout.Request(temp.resolve("missing.jar"), ADDRESS, "1.0.0", temp, "linux_amd64")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("build it");
        assertThat(ProviderAddress.parse("Example.COM/Acme/stub").toString()).isEqualTo("example.com/acme/stub");
    }

    @Test
    void currentPlatformUsesTerraformNames() {
        assertThat(InstallLayout.currentPlatform()).matches("[a-z0-9]+_[a-z0-9]+");
        if (System.getProperty("os.arch").equals("amd64")) {
            assertThat(InstallLayout.currentPlatform()).isEqualTo("linux_amd64");
        }
    }
}
