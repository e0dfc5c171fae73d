package dev.multikernel.provider.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.config.ProviderSettings;
import dev.tfjvm.spi.ResourceException;
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
