package dev.multikernel.provider.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.host.ssh.ConnectionSpec;
import dev.multikernel.host.ssh.KnownHostsPolicy;
import dev.multikernel.host.ssh.PinnedHostKeys;
import dev.multikernel.host.ssh.TrustOnFirstUse;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.Block;
import dev.tfjvm.spi.TfObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderConfigReaderTest {
    static final String PIN = "SHA256:" + "A".repeat(43);
    static final Block BLOCK = ProviderConfigSchema.block();

    @TempDir
    Path dir;

    static TfObject config() {
        return TfObject.empty(BLOCK);
    }

    @Test
    void anEmptyBlockMeansEveryDefault() {
        Diagnostics d = new Diagnostics();
        ProviderSettings s = ProviderConfigReader.read(config(), d).settings().orElseThrow();
        assertThat(d.all()).isEmpty();
        assertThat(s).isEqualTo(ProviderSettings.defaults());
        ConnectionSpec spec = s.connectionSpec("10.0.0.5", Optional.empty(), OptionalInt.empty());
        assertThat(spec.host()).isEqualTo("10.0.0.5");
        assertThat(spec.port()).isEmpty();
        assertThat(spec.user()).isEmpty();
        assertThat(spec.auth()).isEmpty();
        assertThat(spec.sudo()).isTrue();
        assertThat(spec.sshConfig()).isEmpty();
        assertThat(spec.proxyJump()).isEmpty();
        assertThat(spec.hostKeys()).isInstanceOf(KnownHostsPolicy.class);
        assertThat(((KnownHostsPolicy) spec.hostKeys()).files())
                .containsExactly(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
        assertThat(s.mkctlInstall().programPath()).startsWith(MkctlInstall.DEFAULT_DIRECTORY + "/mkctl-");
        assertThat(s.poolOptions().maxChannelsPerHost()).isEqualTo(4);
    }

    @Test
    void everySettingMapsToTheExecutor() throws Exception {
        Path key = Files.writeString(dir.resolve("id"), "not parsed here");
        Path bastionKey = Files.writeString(dir.resolve("bastion"), "not parsed here");
        TfObject bastion = config().newNested(ProviderConfigSchema.PROXY_JUMP)
                .with("host", "jump@bastion.example.com:2201")
                .with("private_key_file", bastionKey.toString());
        TfObject c = config().with("user", "admin")
                .with("port", 2222)
                .with("private_key_file", key.toString())
                .with("private_key_passphrase", "s3cret")
                .with("use_agent", false)
                .with(
                        "known_hosts_files",
                        List.of(
                                dir.resolve("kh1").toString(),
                                dir.resolve("kh2").toString()))
                .with("host_key_pins", Map.of("10.0.0.9", PIN))
                .with("host_key_policy", "accept-new")
                .with("proxy_jump", bastion)
                .with("use_ssh_config", true)
                .with("sudo", false)
                .with("connect_timeout", "5s")
                .with("command_timeout", "2m")
                .with("helper_directory", "/var/lib/mk/")
                .with("per_host_concurrency", 2);
        Diagnostics d = new Diagnostics();
        ProviderSettings s = ProviderConfigReader.read(c, d).settings().orElseThrow();
        assertThat(d.all()).isEmpty();

        ConnectionSpec spec = s.connectionSpec("10.0.0.5", Optional.of("root"), OptionalInt.empty());
        assertThat(spec.user()).contains("root"); // the host attribute wins
        assertThat(spec.port()).hasValue(2222);
        assertThat(spec.auth()).containsExactly(new AuthSource.PrivateKeyFile(key, Optional.of("s3cret"), false));
        assertThat(spec.auth().toString()).doesNotContain("s3cret");
        assertThat(spec.hostKeys()).isInstanceOf(TrustOnFirstUse.class);
        assertThat(((TrustOnFirstUse) spec.hostKeys()).file()).isEqualTo(dir.resolve("kh1"));
        assertThat(spec.sudo()).isFalse();
        assertThat(spec.sshConfig()).contains(ConnectionSpec.userSshConfig());
        assertThat(spec.timeouts().connect()).isEqualTo(Duration.ofSeconds(5));
        ConnectionSpec jump = spec.proxyJump().orElseThrow();
        assertThat(jump.host()).isEqualTo("bastion.example.com");
        assertThat(jump.user()).contains("jump");
        assertThat(jump.port()).hasValue(2201);
        assertThat(jump.auth()).containsExactly(new AuthSource.PrivateKeyFile(bastionKey, Optional.empty(), false));

        ConnectionSpec pinned = s.connectionSpec("10.0.0.9", Optional.empty(), OptionalInt.of(22));
        assertThat(pinned.hostKeys()).isInstanceOf(PinnedHostKeys.class);
        assertThat(((PinnedHostKeys) pinned.hostKeys()).fingerprints()).containsExactly(PIN);
        assertThat(pinned.user()).contains("admin");
        assertThat(pinned.port()).hasValue(22);

        assertThat(s.mkctlOptions().readTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.mkctlInstall().programPath()).startsWith("/var/lib/mk/mkctl-");
        assertThat(s.poolOptions().maxChannelsPerHost()).isEqualTo(2);
    }

    /** A fresh ed25519 private key's text, made with ssh-keygen. */
    private static String realKey() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mk-key-");
            java.nio.file.Path key = dir.resolve("id");
            Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
            return java.nio.file.Files.readString(key);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMalformedKeyIsAnErrorOnPrivateKeyThatQuotesNoneOfIt() {
        String key = realKey();
        String[] lines = key.split("\n");
        lines[1] = new StringBuilder(lines[1]).reverse().toString();
        String bad = String.join("\n", lines) + "\n";
        for (TfObject c : List.of(
                config().with("private_key", bad),
                config().with(
                                "proxy_jump",
                                config().newNested("proxy_jump")
                                        .with("host", "b")
                                        .with("private_key", bad)))) {
            Diagnostics d = new Diagnostics();
            ProviderConfigReader.validate(c, d);
            boolean jump = !c.isNull("proxy_jump");
            CtyPath at = jump ? CtyPath.ROOT.attr("proxy_jump").attr("private_key") : CtyPath.ROOT.attr("private_key");
            assertThat(d.all()).singleElement().satisfies(x -> {
                assertThat(x.path()).contains(at);
                assertThat(x.summary()).isEqualTo("Invalid provider configuration");
                assertThat(x.detail())
                        .isEqualTo((jump ? "proxy_jump." : "")
                                + "private_key is not a valid OpenSSH/PEM private key: its key data is damaged or of"
                                + " an unsupported kind. Give the whole text of an ed25519, ECDSA or RSA private key"
                                + " file in OpenSSH or PEM format");
                String body = bad.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
                for (int i = 0; i + 6 <= body.length(); i++) {
                    assertThat(x.detail()).doesNotContain(body.substring(i, i + 6));
                }
                assertThat(x.detail()).doesNotContainPattern("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){2,}");
            });
        }
    }

    @Test
    void anEncryptedKeyWhosePassphraseIsNotKnownYetIsNotAnError() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mk-key-");
        java.nio.file.Path key = dir.resolve("id");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-f", key.toString())
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        String encrypted = java.nio.file.Files.readString(key);
        Diagnostics unknown = new Diagnostics();
        ProviderConfigReader.validate(
                config().with("private_key", encrypted).withUnknown("private_key_passphrase"), unknown);
        assertThat(unknown.all()).isEmpty();
        Diagnostics missing = new Diagnostics();
        ProviderConfigReader.validate(config().with("private_key", encrypted), missing);
        assertThat(error(missing, CtyPath.ROOT.attr("private_key")))
                .isEqualTo("private key private_key is encrypted: configure its passphrase, or load it into ssh-agent"
                        + " (ssh-add) and use the agent");
        Diagnostics right = new Diagnostics();
        ProviderConfigReader.validate(
                config().with("private_key", encrypted).with("private_key_passphrase", "secret"), right);
        assertThat(right.all()).isEmpty();
    }

    @Test
    void keyTextIsUsedAndTheAgentAddedOnlyWhenAskedOrAvailable() {
        String pem = realKey();
        ProviderSettings s = ProviderConfigReader.read(
                        config().with("private_key", pem).with("use_agent", true), new Diagnostics())
                .settings()
                .orElseThrow();
        assertThat(s.auth()).hasSize(2);
        assertThat(s.auth().get(0)).isInstanceOf(AuthSource.PrivateKeyText.class);
        assertThat(s.auth().get(0).toString())
                .doesNotContain(pem.lines().skip(1).findFirst().orElseThrow());
        assertThat(s.auth().get(1)).isEqualTo(AuthSource.Agent.fromEnvironment());

        ProviderSettings noAgent = ProviderConfigReader.read(config().with("use_agent", false), new Diagnostics())
                .settings()
                .orElseThrow();
        assertThat(noAgent.auth()).noneMatch(a -> a instanceof AuthSource.Agent);
    }

    @Test
    void relativePathsAndTheAgentComeFromTheLaunchNotFromTheJvm() throws Exception {
        Path work = java.nio.file.Files.createDirectories(dir.resolve("terraform-dir"));
        java.nio.file.Files.createDirectories(work.resolve("keys"));
        java.nio.file.Files.writeString(work.resolve("keys/id"), "key");
        java.nio.file.Files.writeString(work.resolve("known"), "");
        dev.tfjvm.spi.Launch launch = new dev.tfjvm.spi.Launch(
                Map.of("SSH_AUTH_SOCK", "/run/agent.sock"), work, dev.tfjvm.spi.Sharing.perProcess());
        Diagnostics d = new Diagnostics();
        ProviderSettings s = ProviderConfigReader.read(
                        config().with("private_key_file", "keys/id").with("known_hosts_files", List.of("known")),
                        d,
                        launch)
                .settings()
                .orElseThrow();
        assertThat(d.all()).isEmpty();
        assertThat(s.auth().get(0)).isEqualTo(new AuthSource.PrivateKeyFile(work.resolve("keys/id")));
        assertThat(s.auth()).as("the launch has an agent").anyMatch(a -> a instanceof AuthSource.Agent);
        assertThat(s.knownHostsFiles()).containsExactly(work.resolve("known"));
    }

    @Test
    void errorsNameTheAttributeAndNeverQuoteSecrets() {
        TfObject c = config().with("private_key", "hunter2-not-a-key")
                .with("connect_timeout", "5 minutes")
                .with("host_key_pins", Map.of("h1", "SHA256:short"))
                .with("host_key_policy", "yolo")
                .with("known_hosts_files", List.of())
                .with("user", "a b")
                .with("port", 70000);
        Diagnostics d = new Diagnostics();
        ProviderConfigReader.Reading r = ProviderConfigReader.read(c, d);
        assertThat(r.settings()).isEmpty();
        assertThat(r.deferred()).isFalse();
        assertThat(d.all()).allMatch(Diagnostic::isError);
        assertThat(d.all()).allSatisfy(x -> assertThat(x.detail() + x.summary()).doesNotContain("hunter2"));
        assertThat(error(d, CtyPath.ROOT.attr("private_key"))).contains("does not look like a private key");
        assertThat(error(d, CtyPath.ROOT.attr("connect_timeout")))
                .contains("connect_timeout: \"5 minutes\" is not a duration")
                .contains("\"30s\"");
        assertThat(error(d, CtyPath.ROOT.attr("host_key_pins").key("h1"))).contains("host_key_pins[\"h1\"]");
        assertThat(error(d, CtyPath.ROOT.attr("host_key_policy"))).contains("\"strict\" or \"accept-new\"");
        assertThat(error(d, CtyPath.ROOT.attr("known_hosts_files"))).contains("known_hosts_files is empty");
        assertThat(error(d, CtyPath.ROOT.attr("user"))).contains("\"a b\" is not a user name");
        assertThat(error(d, CtyPath.ROOT.attr("port"))).contains("port must be a whole number between 1 and 65535");
    }

    @Test
    void conflictingAndMissingKeys() {
        Diagnostics d = new Diagnostics();
        ProviderConfigReader.read(
                config().with("private_key", "-----BEGIN RSA PRIVATE KEY-----").with("private_key_file", "/k"), d);
        assertThat(error(d, CtyPath.ROOT.attr("private_key_file"))).contains("both set");

        Diagnostics missing = new Diagnostics();
        ProviderConfigReader.read(
                config().with("private_key_file", dir.resolve("nope").toString()), missing);
        assertThat(error(missing, CtyPath.ROOT.attr("private_key_file"))).contains("no such file");

        Diagnostics pass = new Diagnostics();
        ProviderConfigReader.read(config().with("private_key_passphrase", "x"), pass);
        assertThat(error(pass, CtyPath.ROOT.attr("private_key_passphrase")))
                .contains("no private_key or private_key_file", "to unlock");
    }

    @Test
    void validateDoesNotLookAtFilesAndSkipsUnknownValues() {
        Diagnostics d = new Diagnostics();
        ProviderConfigReader.validate(
                config().with("private_key_file", "/does/not/exist").with("user", CtyValue.unknown(CtyType.STRING)), d);
        assertThat(d.all()).isEmpty();

        // A known list with an unknown element: a module output Terraform has not evaluated yet.
        Diagnostics partly = new Diagnostics();
        TfObject partlyKnown = config().with(
                        "known_hosts_files", CtyValue.list(CtyType.STRING, List.of(CtyValue.unknown(CtyType.STRING))));
        ProviderConfigReader.validate(partlyKnown, partly);
        assertThat(partly.all()).isEmpty();
        assertThat(ProviderConfigReader.read(partlyKnown, partly).deferred()).isTrue();

        Diagnostics r = new Diagnostics();
        ProviderConfigReader.Reading reading =
                ProviderConfigReader.read(config().with("user", CtyValue.unknown(CtyType.STRING)), r);
        assertThat(reading.deferred()).isTrue();
        assertThat(reading.settings()).isEmpty();
        assertThat(r.all()).isEmpty();
    }

    private static String error(Diagnostics d, CtyPath path) {
        return d.all().stream()
                .filter(x -> x.path().equals(Optional.of(path)))
                .map(Diagnostic::detail)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no error at " + path + " in " + d.all()));
    }
}
