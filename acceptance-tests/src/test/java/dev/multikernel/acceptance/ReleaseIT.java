package dev.multikernel.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multikernel.acceptance.harness.HttpsMirror;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.provider.Main;
import dev.tfjvm.testing.TerraformCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release as users get it: scripts/release.sh builds it (from the provider jar of this build),
 * the SHA256SUMS signature verifies, and Terraform installs it over HTTPS on 127.0.0.1 from the
 * network mirror layout (h1: hashes for every platform, a tampered zip refused) and as a registry
 * serves it (the signed SHA256SUMS give zh: hashes for every platform), and runs the installed
 * linux_amd64 provider on its bundled runtime with no Java on the PATH.
 */
class ReleaseIT {
    static final String VERSION = "0.1.0";
    static final String NAME = "terraform-provider-multikernel_" + VERSION;
    static final List<String> PLATFORMS = List.of("linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64");
    static final Path ROOT =
            Path.of(System.getProperty("repo.root")).toAbsolutePath().normalize();

    @RegisterExtension
    static final SimulatedFleet FLEET = SimulatedFleet.builder().current("rel1").build();

    @TempDir
    static Path work;

    static Path gnupg;
    static String fingerprint;
    static Path release;
    /** A second build of the same commit, made alongside the first. */
    static CompletableFuture<Path> rebuilt;

    static HttpsMirror mirror;

    record Run(int exit, String output) {}

    static Run run(Map<String, String> env, Duration timeout, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = Files.createTempFile(work, "run", ".log");
        pb.redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(
                    String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log));
    }

    static Run expect(Map<String, String> env, Duration timeout, String... command) throws Exception {
        Run r = run(env, timeout, command);
        assertThat(r.exit())
                .as("%s exited %d:\n%s", String.join(" ", command), r.exit(), r.output())
                .isZero();
        return r;
    }

    /** A signing key made for this test, in its own GnuPG home. */
    static String testKey() throws Exception {
        gnupg = Files.createDirectories(
                Path.of("/tmp").resolve("mkgpg-" + ProcessHandle.current().pid()));
        Files.setPosixFilePermissions(gnupg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("GNUPGHOME", gnupg.toString());
        expect(
                env,
                Duration.ofMinutes(1),
                "gpg",
                "--batch",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
                "--quick-gen-key",
                "multikernel release test <release-test@example.invalid>",
                "rsa2048",
                "sign",
                "1d");
        Run keys = expect(env, Duration.ofMinutes(1), "gpg", "--batch", "--with-colons", "--list-secret-keys");
        Matcher fpr = Pattern.compile("(?m)^fpr:+([0-9A-F]{40}):").matcher(keys.output());
        assertThat(fpr.find()).as(keys.output()).isTrue();
        return fpr.group(1);
    }

    static Path buildRelease(String dir, Map<String, String> env) throws Exception {
        Path out = work.resolve(dir);
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("RELEASE_SKIP_BUILD", "1");
        expect(all, Duration.ofMinutes(5), ROOT.resolve("scripts/release.sh").toString(), VERSION, out.toString());
        return out;
    }

    @BeforeAll
    static void release() throws Exception {
        fingerprint = testKey();
        rebuilt = CompletableFuture.supplyAsync(() -> {
            try {
                return buildRelease("release-2", Map.of("RELEASE_UNSIGNED", "1"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        release = buildRelease("release-1", Map.of("GNUPGHOME", gnupg.toString(), "GPG_FINGERPRINT", fingerprint));
        mirror = HttpsMirror.serve(release);
        publishRegistry();
    }

    /** The provider registry protocol's answers for this release, downloads from the release directory. */
    static void publishRegistry() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String armor = expect(
                        Map.of("GNUPGHOME", gnupg.toString()),
                        Duration.ofMinutes(1),
                        "gpg",
                        "--batch",
                        "--armor",
                        "--export",
                        fingerprint)
                .output();
        String api = "/v1/providers/multikernel/multikernel/";
        List<Map<String, String>> platforms = PLATFORMS.stream()
                .map(p -> Map.of("os", p.split("_")[0], "arch", p.split("_")[1]))
                .toList();
        mirror.publish(
                api + "versions",
                json.writeValueAsString(Map.of(
                        "versions",
                        List.of(Map.of("version", VERSION, "protocols", List.of("6.0"), "platforms", platforms)))));
        for (String platform : PLATFORMS) {
            String zip = NAME + "_" + platform + ".zip";
            mirror.publish(
                    api + VERSION + "/download/" + platform.replace('_', '/'),
                    json.writeValueAsString(Map.of(
                            "protocols",
                            List.of("6.0"),
                            "os",
                            platform.split("_")[0],
                            "arch",
                            platform.split("_")[1],
                            "filename",
                            zip,
                            "download_url",
                            mirror.url() + zip,
                            "shasum",
                            sha256(release.resolve(zip)),
                            "shasums_url",
                            mirror.url() + NAME + "_SHA256SUMS",
                            "shasums_signature_url",
                            mirror.url() + NAME + "_SHA256SUMS.sig",
                            "signing_keys",
                            Map.of(
                                    "gpg_public_keys",
                                    List.of(Map.of("key_id", fingerprint.substring(24), "ascii_armor", armor))))));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (rebuilt != null) {
            rebuilt.handle((p, e) -> p).get(5, TimeUnit.MINUTES);
        }
        if (mirror != null) {
            mirror.close();
        }
        if (gnupg != null) {
            run(Map.of("GNUPGHOME", gnupg.toString()), Duration.ofSeconds(30), "gpgconf", "--kill", "all");
            run(Map.of(), Duration.ofSeconds(30), "rm", "-rf", gnupg.toString());
        }
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void theReleaseHasWhatTheRegistryReads() throws Exception {
        List<String> sums = Files.readAllLines(release.resolve(NAME + "_SHA256SUMS"));
        List<String> expected = new ArrayList<>();
        for (String platform : List.of("darwin_amd64", "darwin_arm64", "linux_amd64", "linux_arm64")) {
            Path zip = release.resolve(NAME + "_" + platform + ".zip");
            expected.add(sha256(zip) + "  " + zip.getFileName());
            try (ZipFile z = new ZipFile(zip.toFile())) {
                List<String> names = z.stream().map(ZipEntry::getName).toList();
                assertThat(names)
                        .as(platform)
                        .contains("terraform-provider-multikernel_v" + VERSION, "lib/provider.jar")
                        .isSorted();
                if (platform.startsWith("linux")) {
                    assertThat(names)
                            .as(platform + " bundles a runtime")
                            .contains("runtime/bin/java", "runtime/release");
                } else {
                    assertThat(names).as(platform + " uses the user's Java").noneMatch(n -> n.startsWith("runtime/"));
                }
            }
        }
        expected.add(sha256(release.resolve(NAME + "_manifest.json")) + "  " + NAME + "_manifest.json");
        assertThat(sums).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Files.readString(release.resolve(NAME + "_manifest.json")))
                .contains("\"protocol_versions\": [\"6.0\"]");
        assertThat(release.resolve("terraform-registry-manifest.json")).exists();
        Path fs = release.resolve("filesystem-mirror");
        assertThat(fs.resolve("packed/" + Main.SOURCE_ADDRESS + "/" + NAME + "_linux_amd64.zip"))
                .exists();
        assertThat(fs.resolve("unpacked/" + Main.SOURCE_ADDRESS + "/" + VERSION + "/linux_amd64/runtime/bin/java"))
                .isExecutable();
        Path net = release.resolve("network-mirror/" + Main.SOURCE_ADDRESS);
        assertThat(Files.readString(net.resolve("index.json"))).contains("\"" + VERSION + "\"");
        assertThat(Files.readString(net.resolve(VERSION + ".json")))
                .contains("\"zh:" + sha256(release.resolve(NAME + "_linux_amd64.zip")) + "\"")
                .contains("\"h1:");
    }

    @Test
    void theSignatureOfTheChecksumsVerifies() throws Exception {
        Map<String, String> env = Map.of("GNUPGHOME", gnupg.toString());
        Path sums = release.resolve(NAME + "_SHA256SUMS");
        Path sig = release.resolve(NAME + "_SHA256SUMS.sig");
        Run ok = expect(env, Duration.ofMinutes(1), "gpg", "--batch", "--verify", sig.toString(), sums.toString());
        assertThat(ok.output()).contains("Good signature");

        Path forged = work.resolve("forged_SHA256SUMS");
        Files.writeString(forged, Files.readString(sums).replaceFirst("^.", "0"));
        assertThat(run(env, Duration.ofMinutes(1), "gpg", "--batch", "--verify", sig.toString(), forged.toString())
                        .exit())
                .isNotZero();
    }

    /** A PATH with what the launcher uses and no java; JAVA_HOME and TF_JVM_JAVA empty. */
    static Map<String, String> withoutJava() throws IOException {
        Path bin = work.resolve("bin-without-java");
        if (!Files.isDirectory(bin)) {
            Files.createDirectories(bin);
            for (String tool : List.of(
                    "bash",
                    "sh",
                    "env",
                    "readlink",
                    "dirname",
                    "find",
                    "nice",
                    "nohup",
                    "mkdir",
                    "mv",
                    "rm",
                    "rmdir",
                    "cat",
                    "uname")) {
                for (String dir : List.of("/usr/bin", "/bin")) {
                    if (Files.isExecutable(Path.of(dir, tool))) {
                        Files.createSymbolicLink(bin.resolve(tool), Path.of(dir, tool));
                        break;
                    }
                }
            }
        }
        try (Stream<Path> tools = Files.list(bin)) {
            assertThat(tools.map(p -> p.getFileName().toString())).doesNotContain("java");
        }
        return Map.of("PATH", bin.toString(), "JAVA_HOME", "", "TF_JVM_JAVA", "");
    }

    /** CLI configuration installing the provider only from the HTTPS network mirror. */
    static String networkMirror() {
        return """
                provider_installation {
                  network_mirror {
                    url     = "%snetwork-mirror/"
                    include = ["%s"]
                  }
                }
                """.formatted(mirror.url(), Main.SOURCE_ADDRESS);
    }

    /** CLI configuration sending the provider's hostname to the test server, as to a registry. */
    static String registry() {
        return """
                host "%s" {
                  services = {
                    "providers.v1" = "%sv1/providers/"
                  }
                }
                provider_installation {
                  direct {}
                }
                """.formatted(Main.SOURCE_ADDRESS.split("/")[0], mirror.url());
    }

    /** A working directory with {@code cliConfig}, the CA of the test server, and no Java anywhere. */
    static TerraformCli workspace(String name, String cliConfig) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        Path ca = work.resolve("ca.pem");
        Files.writeString(ca, mirror.caPem());
        Path rc = dir.resolve("cli.tfrc");
        Files.writeString(rc, cliConfig);
        TerraformCli tf = new TerraformCli(dir)
                .timeout(Duration.ofMinutes(3))
                .env("TF_CLI_CONFIG_FILE", rc.toString())
                .env("SSL_CERT_FILE", ca.toString());
        withoutJava().forEach(tf::env);
        tf.file("main.tf", """
                terraform {
                  required_providers {
                    multikernel = {
                      source  = "%s"
                      version = "%s"
                    }
                  }
                }

                %s
                data "multikernel_host" "h" {
                  host = "%s"
                }

                output "generation" {
                  value = data.multikernel_host.h.interface_generation
                }
                """.formatted(
                        Main.SOURCE_ADDRESS, VERSION, FLEET.providerConfig(FLEET.knownHosts()), FLEET.address("rel1")));
        return tf;
    }

    /** The h1: hashes the release's VERSION.json gives, by platform. */
    static Map<String, String> mirrorH1() throws IOException {
        JsonNode archives = new ObjectMapper()
                .readTree(release.resolve("network-mirror/" + Main.SOURCE_ADDRESS + "/" + VERSION + ".json")
                        .toFile())
                .get("archives");
        Map<String, String> h1 = new java.util.TreeMap<>();
        archives.properties()
                .forEach(e -> e.getValue().get("hashes").forEach(h -> {
                    if (h.asText().startsWith("h1:")) {
                        h1.put(e.getKey(), h.asText());
                    }
                }));
        return h1;
    }

    @Test
    void terraformInstallsFromTheHttpsNetworkMirrorAndTheProviderRunsWithoutJava() throws Exception {
        TerraformCli tf = workspace("network-mirror", networkMirror());
        Map<String, String> h1 = mirrorH1();

        TerraformCli.Result init = tf.expect(0, "init", "-no-color");
        assertThat(init.stdout()).contains("Installing " + Main.SOURCE_ADDRESS + " v" + VERSION);
        assertThat(mirror.requests())
                .contains("/network-mirror/" + Main.SOURCE_ADDRESS + "/" + NAME + "_linux_amd64.zip");
        // Terraform computed the same h1: as the release's VERSION.json says
        assertThat(tf.readFile(".terraform.lock.hcl")).contains(h1.get("linux_amd64"));

        // every platform's h1: hash, for teams on other machines
        List<String> lockArgs = new ArrayList<>(
                List.of("providers", "lock", "-no-color", "-net-mirror=" + mirror.url() + "network-mirror/"));
        PLATFORMS.forEach(p -> lockArgs.add("-platform=" + p));
        tf.expect(0, lockArgs.toArray(String[]::new));
        String lock = tf.readFile(".terraform.lock.hcl");
        assertThat(h1.keySet()).containsExactlyInAnyOrderElementsOf(PLATFORMS);
        h1.forEach((platform, hash) -> assertThat(lock).as(platform).contains(hash));

        // the provider runs on its bundled runtime: there is no Java on the PATH
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        assertThat(tf.expect(0, "output", "-no-color", "-raw", "generation").stdout())
                .isNotBlank();
    }

    @Test
    void asARegistryServesItTheSignedChecksumsGiveEveryPlatformsZipHash() throws Exception {
        TerraformCli tf = workspace("registry", registry());

        TerraformCli.Result init = tf.expect(0, "init", "-no-color");
        assertThat(init.stdout())
                .contains("Installed " + Main.SOURCE_ADDRESS + " v" + VERSION)
                .contains("key ID " + fingerprint.substring(24));
        String lock = tf.readFile(".terraform.lock.hcl");
        assertThat(lock).contains(mirrorH1().get("linux_amd64"));
        for (String platform : PLATFORMS) {
            assertThat(lock).as(platform).contains("zh:" + sha256(release.resolve(NAME + "_" + platform + ".zip")));
        }
        tf.expect(0, "apply", "-no-color", "-auto-approve");
    }

    @Test
    void aTamperedZipIsRejected() throws Exception {
        String zip = "/network-mirror/" + Main.SOURCE_ADDRESS + "/" + NAME + "_linux_amd64.zip";
        // a valid zip with other content: a damaged one would already fail unzip's own CRC check
        byte[] other = Files.readAllBytes(release.resolve(NAME + "_darwin_amd64.zip"));
        TerraformCli locked = workspace("tampered-after-lock", networkMirror());
        locked.expect(0, "init", "-no-color");
        mirror.tamper(zip, bytes -> other);
        try {
            // against the hashes the mirror gives
            TerraformCli.Result fresh = workspace("tampered", networkMirror()).run("init", "-no-color");
            assertThat(fresh.exitCode()).as(fresh.toString()).isEqualTo(1);
            assertThat(fresh.stderr().replaceAll("\\s+", " "))
                    .contains("Failed to install provider")
                    .containsPattern("doesn't match (the )?any of the (expected )?checksums");

            // against the lock file
            run(
                    Map.of(),
                    Duration.ofSeconds(30),
                    "rm",
                    "-rf",
                    locked.workDir().resolve(".terraform").toString());
            TerraformCli.Result again = locked.run("init", "-no-color");
            assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
            // (Terraform 1.11 says "doesn't match the any of the expected checksums")
            assertThat(again.stderr().replaceAll("\\s+", " "))
                    .contains("Failed to install provider")
                    .containsPattern("doesn't match (the )?any of the (expected )?checksums");
        } finally {
            mirror.tamper(zip, b -> b);
        }
    }

    @Test
    void twoBuildsOfOneCommitAreIdentical() throws Exception {
        Path again = rebuilt.get(5, TimeUnit.MINUTES);
        assertThat(Files.readString(again.resolve(NAME + "_SHA256SUMS")))
                .isEqualTo(Files.readString(release.resolve(NAME + "_SHA256SUMS")));
    }
}
