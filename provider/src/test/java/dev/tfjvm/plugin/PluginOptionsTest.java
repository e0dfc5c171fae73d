package dev.tfjvm.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginOptionsTest {
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @Test
    void clientCertificateMeansAutoMtls() throws Exception {
        PluginOptions options = PluginOptions.fromEnvironment(
                Map.of("PLUGIN_CLIENT_CERT", PEM, "PLUGIN_MIN_PORT", "0", "PLUGIN_MAX_PORT", "0"));

        assertThat(options.security()).isEqualTo(new TransportSecurity.AutoMtls(PEM));
        assertThat(options.minPort()).isZero();
        assertThat(options.maxPort()).isZero();
        assertThat(options.reflection()).isFalse();
    }

    @Test
    void disabledTlsOrMissingCertificateMeansPlaintext() throws Exception {
        assertThat(PluginOptions.fromEnvironment(Map.of("PLUGIN_CLIENT_CERT", PEM, "TF_DISABLE_PLUGIN_TLS", "1"))
                        .security())
                .isInstanceOf(TransportSecurity.Plaintext.class);
        assertThat(PluginOptions.fromEnvironment(Map.of()).security()).isInstanceOf(TransportSecurity.Plaintext.class);
        assertThat(PluginOptions.fromEnvironment(Map.of("PLUGIN_CLIENT_CERT", "  "))
                        .security())
                .isInstanceOf(TransportSecurity.Plaintext.class);
    }

    @Test
    void readsThePortRange() throws Exception {
        PluginOptions options =
                PluginOptions.fromEnvironment(Map.of("PLUGIN_MIN_PORT", "10000", "PLUGIN_MAX_PORT", " 10010 "));

        assertThat(options.minPort()).isEqualTo(10000);
        assertThat(options.maxPort()).isEqualTo(10010);
    }

    @Test
    void rejectsMalformedPorts() {
        assertThatThrownBy(() -> PluginOptions.fromEnvironment(Map.of("PLUGIN_MIN_PORT", "ten")))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("PLUGIN_MIN_PORT=ten");
        assertThatThrownBy(() -> PluginOptions.fromEnvironment(Map.of("PLUGIN_MAX_PORT", "70000")))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("0..65535");
        assertThatThrownBy(
                        () -> PluginOptions.fromEnvironment(Map.of("PLUGIN_MIN_PORT", "200", "PLUGIN_MAX_PORT", "100")))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("greater than");
    }

    @Test
    void debugIsPlaintextOnAnyPortWithReflection() {
        PluginOptions debug = PluginOptions.debug();

        assertThat(debug.security()).isInstanceOf(TransportSecurity.Plaintext.class);
        assertThat(debug.minPort()).isZero();
        assertThat(debug.maxPort()).isZero();
        assertThat(debug.reflection()).isTrue();
    }

    @Test
    void autoMtlsDoesNotPrintThePem() {
        assertThat(new TransportSecurity.AutoMtls(PEM).toString()).doesNotContain("BEGIN");
    }
}
