package dev.tfjvm.plugin;

import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2SecurityUtil;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolNames;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server side of go-plugin AutoMTLS on the JDK's TLS stack: our certificate, only the
 * client certificate(s) Terraform gave us as trust anchors, client authentication required,
 * TLS 1.3/1.2 and ALPN {@code h2} (grpc-go refuses TLS peers without ALPN).
 *
 * <p>The JDK SSLContext is built here and wrapped in Netty's {@link JdkSslContext} instead of
 * using {@code SslContextBuilder.forServer}: the latter's JdkSslServerContext runs a static
 * self-test that parses a PEM key through BouncyCastle whenever it is on the class path, which
 * instantiates the whole BouncyCastle provider and costs a few hundred milliseconds of every
 * provider start. The JDK provider (not netty-tcnative/BoringSSL) is required anyway because
 * BoringSSL rejects go-plugin's P-521 client certificates.
 */
final class ServerTls {
    private static final String ALIAS = "plugin";
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ServerTls() {}

    static SslContext context(ServerCertificate own, List<X509Certificate> trustedClients)
            throws GeneralSecurityException, java.io.IOException {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        for (int i = 0; i < trustedClients.size(); i++) {
            anchors.setCertificateEntry("client-" + i, trustedClients.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);

        SSLContext jdk = SSLContext.getInstance("TLS");
        jdk.init(
                new KeyManager[] {new SingleKeyManager(own.privateKey(), own.certificate())},
                trust.getTrustManagers(),
                null);
        ApplicationProtocolConfig alpn = new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2);
        return new JdkSslContext(
                jdk,
                false,
                Http2SecurityUtil.CIPHERS,
                SupportedCipherSuiteFilter.INSTANCE,
                alpn,
                ClientAuth.REQUIRE,
                PROTOCOLS,
                false);
    }

    /**
     * Serves one key and certificate. Avoids a KeyStore + KeyManagerFactory, whose PKCS#12
     * store encrypts the key with a slow password-based cipher only to decrypt it again.
     */
    private static final class SingleKeyManager extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        SingleKeyManager(PrivateKey key, X509Certificate certificate) {
            this.key = key;
            this.chain = new X509Certificate[] {certificate};
        }

        private String aliasFor(String keyType) {
            return keyType != null && keyType.equalsIgnoreCase(key.getAlgorithm()) ? ALIAS : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return aliasFor(keyType);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return aliasFor(keyType);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            String alias = aliasFor(keyType);
            return alias == null ? null : new String[] {alias};
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }
}
