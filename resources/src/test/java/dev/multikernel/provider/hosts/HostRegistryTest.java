package dev.multikernel.provider.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.host.ssh.TrustOnFirstUse;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.config.ProviderSettings;
import dev.tfjvm.spi.ResourceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Clients are created lazily (no connection here), one per host address, and reset on new settings. */
class HostRegistryTest {

    @Test
    void beforeConfigureAndWhileDeferredEveryUseIsAnError() {
        try (HostRegistry hosts = new HostRegistry()) {
            assertThatThrownBy(() -> hosts.client(HostAddress.parse("10.0.0.5")))
                    .isInstanceOf(ResourceException.class)
                    .hasMessage("Provider not configured");
            hosts.defer();
            assertThatThrownBy(() -> hosts.client(HostAddress.parse("10.0.0.5")))
                    .isInstanceOf(ResourceException.class)
                    .hasMessage("Provider configuration not known yet")
                    .satisfies(e -> assertThat(((ResourceException) e).detail()).contains("10.0.0.5"));
        }
    }

    @Test
    void aHostKeyRecordedByAcceptNewIsAWarningOfTheOperationThatCausedIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("known_hosts");
        ProviderSettings d = ProviderSettings.defaults();
        ProviderSettings settings = new ProviderSettings(
                d.user(),
                d.port(),
                d.auth(),
                List.of(file),
                d.hostKeyPins(),
                true,
                d.proxyJump(),
                d.useSshConfig(),
                d.sudo(),
                d.connectTimeout(),
                d.commandTimeout(),
                d.helperDirectory(),
                d.perHostConcurrency());
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.PublicKey key = g.generateKeyPair().getPublic();
        // what the connection's check does when it meets a new host under accept-new
        assertThat(((TrustOnFirstUse) settings.hostKeyPolicy("10.0.0.5"))
                        .verify("10.0.0.5", 22, key)
                        .trusted())
                .isTrue();
        String fp = fingerprint(file);

        dev.tfjvm.diag.Diagnostics diagnostics = new dev.tfjvm.diag.Diagnostics();
        dev.tfjvm.spi.OperationContext plan = new dev.tfjvm.spi.OperationContext() {
            @Override
            public dev.tfjvm.diag.Diagnostics diagnostics() {
                return diagnostics;
            }

            @Override
            public Optional<java.time.Instant> deadline() {
                return Optional.empty();
            }

            @Override
            public boolean stopRequested() {
                return false;
            }
        };
        try (HostRegistry hosts = new HostRegistry()) {
            hosts.configure(settings);
            dev.tfjvm.spi.CurrentOperation.Binding bound = dev.tfjvm.spi.CurrentOperation.bind(plan);
            try {
                hosts.reportRecordedHostKeys();
                hosts.reportRecordedHostKeys(); // once only
            } finally {
                bound.close();
            }
        }
        assertThat(diagnostics.all()).singleElement().satisfies(w -> {
            assertThat(w.isError()).isFalse();
            assertThat(w.summary()).isEqualTo("New host key recorded for 10.0.0.5");
            assertThat(w.detail())
                    .isEqualTo("host_key_policy = \"accept-new\": 10.0.0.5 was not in the known_hosts files, so its key"
                            + " ssh-rsa " + fp + " was added to " + file + " and is trusted from now on (trust on first"
                            + " use). Check that it is the host's key: ssh-keygen -lf on the host's public key file"
                            + " shows its fingerprint. If it is not, remove it with ssh-keygen -R '10.0.0.5' -f " + file
                            + " before the next run.");
        });
    }

    /** The SHA256 fingerprint of the one key in a known_hosts file, as ssh-keygen -lf prints it. */
    private static String fingerprint(Path knownHosts) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-lf", knownHosts.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out.split(" ")[1];
    }

    @Test
    void oneClientPerHostAddressUntilTheSettingsChange() throws Exception {
        try (HostRegistry hosts = new HostRegistry()) {
            ProviderSettings d = ProviderSettings.defaults();
            // a key is only parsed when a connection is made: none is made here
            ProviderSettings settings = new ProviderSettings(
                    d.user(),
                    d.port(),
                    List.of(new AuthSource.PrivateKeyText(
                            "test key", "-----BEGIN OPENSSH PRIVATE KEY-----", Optional.empty())),
                    d.knownHostsFiles(),
                    d.hostKeyPins(),
                    d.acceptNewHostKeys(),
                    d.proxyJump(),
                    d.useSshConfig(),
                    d.sudo(),
                    d.connectTimeout(),
                    d.commandTimeout(),
                    d.helperDirectory(),
                    d.perHostConcurrency());
            hosts.configure(settings);
            MkctlClient a = hosts.client(HostAddress.parse("root@10.0.0.5:22"));
            assertThat(hosts.client(HostAddress.parse("root@10.0.0.5:22"))).isSameAs(a);
            MkctlClient b = hosts.client(HostAddress.parse("10.0.0.6"));
            assertThat(b).isNotSameAs(a);
            assertThat(hosts.openClients()).isEqualTo(2);

            hosts.configure(settings); // the same settings again (another terraform run)
            assertThat(hosts.client(HostAddress.parse("root@10.0.0.5:22"))).isSameAs(a);

            ProviderSettings other = new ProviderSettings(
                    settings.user(),
                    settings.port(),
                    settings.auth(),
                    settings.knownHostsFiles(),
                    settings.hostKeyPins(),
                    settings.acceptNewHostKeys(),
                    settings.proxyJump(),
                    settings.useSshConfig(),
                    settings.sudo(),
                    Duration.ofSeconds(3),
                    settings.commandTimeout(),
                    settings.helperDirectory(),
                    settings.perHostConcurrency());
            hosts.configure(other);
            assertThat(hosts.openClients()).isZero();
            assertThat(hosts.client(HostAddress.parse("root@10.0.0.5:22"))).isNotSameAs(a);
            assertThat(hosts.settings()).contains(other);
        }
    }
}
