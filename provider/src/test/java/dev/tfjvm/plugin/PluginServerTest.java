package dev.tfjvm.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tfjvm.proto.goplugin.GRPCControllerGrpc;
import dev.tfjvm.proto.goplugin.GrpcControllerProto;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PluginServerTest {
    private static ServerCertificate client;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void clientIdentity() throws Exception {
        client = Clients.goPluginClientIdentity();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private PluginServer startMtls() throws PluginStartException {
        PluginServer server = PluginServer.start(
                new PluginOptions(new TransportSecurity.AutoMtls(client.certificatePem()), 0, 0, false), List.of());
        cleanup.add(server);
        return server;
    }

    private ManagedChannel channel(ManagedChannel c) {
        cleanup.add(() -> c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return c;
    }

    private static ServingStatus health(ManagedChannel channel, String service) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    @Test
    void mtlsClientLikeTerraformGetsHealthAndShutsTheServerDown() throws Exception {
        PluginServer server = startMtls();
        ManagedChannel channel = channel(Clients.mtls(
                server.address(), Optional.of(client), server.certificate().orElseThrow()));

        assertThat(health(channel, "plugin")).isEqualTo(ServingStatus.SERVING);
        assertThat(health(channel, "")).isEqualTo(ServingStatus.SERVING);
        assertThat(server.isStopped()).isFalse();

        GRPCControllerGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .shutdown(GrpcControllerProto.Empty.getDefaultInstance());
        channel.shutdownNow();

        Thread waiter = new Thread(() -> {
            try {
                server.awaitShutdown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        waiter.join(10_000);
        assertThat(waiter.isAlive())
                .as("awaitShutdown returned after GRPCController.Shutdown")
                .isFalse();
        assertThat(server.isStopped()).isTrue();
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        PluginServer server = startMtls();
        ManagedChannel channel = channel(Clients.mtls(
                server.address(), Optional.empty(), server.certificate().orElseThrow()));

        assertThatThrownBy(() -> health(channel, "plugin"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void clientWithAnotherCertificateIsRefused() throws Exception {
        PluginServer server = startMtls();
        ServerCertificate stranger = Clients.goPluginClientIdentity();
        ManagedChannel channel = channel(Clients.mtls(
                server.address(), Optional.of(stranger), server.certificate().orElseThrow()));

        assertThatThrownBy(() -> health(channel, "plugin"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void clientTrustingAnotherServerCertificateDoesNotConnect() throws Exception {
        PluginServer server = startMtls();
        X509Certificate other = ServerCertificate.generate().certificate();
        ManagedChannel channel = channel(Clients.mtls(server.address(), Optional.of(client), other));

        assertThatThrownBy(() -> health(channel, "plugin")).isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void tlsNegotiatesAlpnH2AndAtLeastTls12() throws Exception {
        PluginServer server = startMtls();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", client.privateKey(), new char[0], new X509Certificate[] {client.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", server.certificate().orElseThrow());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(server.address().getAddress(), server.address().getPort())) {
            SSLParameters params = socket.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            params.setEndpointIdentificationAlgorithm("HTTPS");
            params.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
            socket.setSSLParameters(params);
            socket.setSoTimeout(10_000);
            socket.startHandshake();

            assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
            assertThat(socket.getSession().getProtocol()).isIn("TLSv1.2", "TLSv1.3");
        }
    }

    @Test
    void handshakeLineAnnouncesTheServerCertificateAsUnpaddedBase64Der() throws Exception {
        PluginServer server = startMtls();
        String line = server.handshakeLine();
        String[] fields = line.split("\\|", -1);

        assertThat(fields).hasSize(6);
        assertThat(fields[0]).isEqualTo("1");
        assertThat(fields[1]).isEqualTo("6");
        assertThat(fields[2]).isEqualTo("tcp");
        assertThat(fields[3]).isEqualTo("127.0.0.1:" + server.address().getPort());
        assertThat(fields[4]).isEqualTo("grpc");
        assertThat(fields[5]).doesNotContain("=").hasSizeGreaterThan(50).matches("[A-Za-z0-9+/]+");
        assertThat(line).doesNotContain("\n");

        byte[] der = Base64.getDecoder().decode(fields[5]);
        X509Certificate cert = (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        assertThat(cert).isEqualTo(server.certificate().orElseThrow());
        assertThat(cert.getSubjectAlternativeNames()).contains(List.of(2, "localhost"));
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=localhost");
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(cert.getNotBefore().toInstant())
                .isBefore(java.time.Instant.now().minusSeconds(20));
        cert.verify(cert.getPublicKey());
    }

    @Test
    void plaintextServerHasAnEmptyCertificateFieldAndAnswersHealth() throws Exception {
        PluginServer server = PluginServer.start(PluginOptions.debug(), List.of());
        cleanup.add(server);

        assertThat(server.handshakeLine()).endsWith("|grpc|").startsWith("1|6|tcp|127.0.0.1:");
        assertThat(server.certificate()).isEmpty();
        assertThat(health(channel(Clients.plaintext(server.address())), "plugin"))
                .isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        PluginServer server = PluginServer.start(PluginOptions.debug(), List.of());
        cleanup.add(server);

        assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(server.address().getPort()).isPositive();
    }

    @Test
    void acceptsMessagesLargerThanGrpcDefaultLimit() throws Exception {
        PluginServer server = PluginServer.start(PluginOptions.debug(), List.of(new SizeService()));
        cleanup.add(server);
        byte[] tenMiB = new byte[10 << 20];

        assertThat(SizeService.measure(channel(Clients.plaintext(server.address())), tenMiB))
                .isEqualTo(tenMiB.length);
    }

    @Test
    void reattachJsonNamesTheProviderAndAddress() throws Exception {
        PluginServer server = PluginServer.start(PluginOptions.debug(), List.of());
        cleanup.add(server);
        String json = server.reattachJson("example.com/acme/demo");

        Map<String, String> flat = flatten(json);
        assertThat(flat)
                .containsEntry("example.com/acme/demo.Protocol", "grpc")
                .containsEntry("example.com/acme/demo.ProtocolVersion", "6")
                .containsEntry(
                        "example.com/acme/demo.Pid",
                        String.valueOf(ProcessHandle.current().pid()))
                .containsEntry("example.com/acme/demo.Test", "true")
                .containsEntry("example.com/acme/demo.Addr.Network", "tcp")
                .containsEntry(
                        "example.com/acme/demo.Addr.String",
                        "127.0.0.1:" + server.address().getPort());
    }

    @Test
    void closeStopsServing() throws Exception {
        PluginServer server = PluginServer.start(PluginOptions.debug(), List.of());
        InetSocketAddress address = server.address();
        server.close();
        server.close();

        assertThat(server.isStopped()).isTrue();
        assertThatThrownBy(() -> health(channel(Clients.plaintext(address)), "plugin"))
                .isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void bindsWithinTheGivenPortRangeAndReportsABusyRange() throws Exception {
        int busy;
        try (ServerSocket occupied = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            busy = occupied.getLocalPort();
            assertThatThrownBy(() -> PluginServer.start(
                            new PluginOptions(new TransportSecurity.Plaintext(), busy, busy, false), List.of()))
                    .isInstanceOf(PluginStartException.class)
                    .hasMessageContaining("127.0.0.1 port " + busy)
                    .hasMessageContaining("PLUGIN_MIN_PORT");
        }
        PluginServer server =
                PluginServer.start(new PluginOptions(new TransportSecurity.Plaintext(), busy, busy, false), List.of());
        cleanup.add(server);
        assertThat(server.address().getPort()).isEqualTo(busy);
    }

    @Test
    void malformedClientCertificateIsAClearStartError() {
        assertThatThrownBy(() -> PluginServer.start(
                        new PluginOptions(new TransportSecurity.AutoMtls("not a certificate"), 0, 0, false), List.of()))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("PLUGIN_CLIENT_CERT")
                .hasMessageContaining("TF_DISABLE_PLUGIN_TLS");
    }

    /** Flattens a JSON object into dotted keys, with a real JSON parser (validates the syntax too). */
    static Map<String, String> flatten(String json) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            List<String> path = new ArrayList<>();
            String field = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case FIELD_NAME -> field = p.currentName();
                    case START_OBJECT -> {
                        if (field != null) {
                            path.add(field);
                        }
                        field = null;
                    }
                    case END_OBJECT -> {
                        if (!path.isEmpty()) {
                            path.remove(path.size() - 1);
                        }
                    }
                    default -> {
                        List<String> key = new ArrayList<>(path);
                        key.add(field);
                        out.put(String.join(".", key), p.getText());
                    }
                }
            }
        }
        return out;
    }
}
