package dev.multikernel.acceptance.harness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A directory served over HTTPS on 127.0.0.1, as a provider network mirror or a registry's
 * downloads are, plus answers published at fixed paths (registry API documents). Its certificate
 * is issued by a CA made for the test ({@link #caPem()}, for Terraform's SSL_CERT_FILE). A filter
 * can change what is served (a tampered download).
 */
public final class HttpsMirror implements AutoCloseable {
    private final Path root;
    private final HttpsServer server;
    private final String caPem;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Map<String, String> published = new ConcurrentHashMap<>();
    private volatile UnaryOperator<byte[]> tamper = UnaryOperator.identity();
    private volatile String tamperedPath = "";

    private HttpsMirror(Path root, HttpsServer server, String caPem) {
        this.root = root;
        this.server = server;
        this.caPem = caPem;
    }

    public static HttpsMirror serve(Path root) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(256);
            KeyPair caKey = gen.generateKeyPair();
            KeyPair serverKey = gen.generateKeyPair();
            X500Name caName = new X500Name("CN=multikernel release test CA");
            Instant now = Instant.now();
            X509Certificate ca = sign(
                    new JcaX509v3CertificateBuilder(
                                    caName,
                                    BigInteger.ONE,
                                    Date.from(now.minus(Duration.ofHours(1))),
                                    Date.from(now.plus(Duration.ofDays(1))),
                                    caName,
                                    caKey.getPublic())
                            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                            .addExtension(
                                    Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
                    caKey);
            X509Certificate leaf = sign(
                    new JcaX509v3CertificateBuilder(
                                    caName,
                                    BigInteger.TWO,
                                    Date.from(now.minus(Duration.ofHours(1))),
                                    Date.from(now.plus(Duration.ofDays(1))),
                                    new X500Name("CN=127.0.0.1"),
                                    serverKey.getPublic())
                            .addExtension(
                                    Extension.subjectAlternativeName,
                                    false,
                                    new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")))
                            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false)),
                    caKey);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", serverKey.getPrivate(), new char[0], new X509Certificate[] {leaf, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);

            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            server.setExecutor(Executors.newFixedThreadPool(4));
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(ca.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            HttpsMirror mirror = new HttpsMirror(root, server, pem);
            server.createContext("/", mirror::handle);
            server.start();
            return mirror;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the test HTTPS server", e);
        }
    }

    private static X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder builder, KeyPair issuer)
            throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(path);
        Path file = root.resolve(path.substring(1)).normalize();
        try (exchange) {
            String document = published.get(path);
            if (document == null && (!file.startsWith(root) || !Files.isRegularFile(file))) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = document != null ? document.getBytes(StandardCharsets.UTF_8) : Files.readAllBytes(file);
            if (path.equals(tamperedPath)) {
                body = tamper.apply(body);
            }
            exchange.getResponseHeaders()
                    .set("Content-Type", path.endsWith(".json") ? "application/json" : "application/zip");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The mirror's base URL, with the trailing slash Terraform wants. */
    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Answers {@code path} with {@code json} from now on. */
    public void publish(String path, String json) {
        published.put(path, json);
    }

    /** The CA certificate in PEM, to trust through SSL_CERT_FILE. */
    public String caPem() {
        return caPem;
    }

    /** The paths asked for so far. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Serves {@code path} changed by {@code change} from now on (identity to stop). */
    public void tamper(String path, UnaryOperator<byte[]> change) {
        tamperedPath = path;
        tamper = change;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
