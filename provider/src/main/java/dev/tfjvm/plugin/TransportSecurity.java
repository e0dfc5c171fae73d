package dev.tfjvm.plugin;

import java.util.Objects;

/** How the plugin's gRPC server protects its connection. */
public sealed interface TransportSecurity {

    /** No TLS: debug/reattach mode, or when Terraform runs with TF_DISABLE_PLUGIN_TLS. */
    record Plaintext() implements TransportSecurity {}

    /**
     * go-plugin AutoMTLS: serve TLS with a fresh self-signed certificate (announced in the
     * handshake line) and accept only clients presenting the certificate Terraform passed in
     * {@code PLUGIN_CLIENT_CERT}.
     *
     * @param clientCertificatePem the PEM text of the client's certificate(s)
     */
    record AutoMtls(String clientCertificatePem) implements TransportSecurity {
        public AutoMtls {
            Objects.requireNonNull(clientCertificatePem, "clientCertificatePem");
        }

        @Override
        public String toString() {
            return "AutoMtls[" + clientCertificatePem.length() + " chars of PEM]";
        }
    }
}
