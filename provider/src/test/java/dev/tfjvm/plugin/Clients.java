package dev.tfjvm.plugin;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** gRPC clients shaped like go-plugin's: mTLS to "localhost" trusting only the handshake certificate. */
public final class Clients {
    private Clients() {}

    /** A go-plugin style client identity: P-521, CN localhost, O HashiCorp. */
    public static ServerCertificate goPluginClientIdentity() throws Exception {
        return ServerCertificate.generate(ServerCertificate.Curve.P521, "HashiCorp");
    }

    public static ManagedChannel mtls(
            InetSocketAddress address, Optional<ServerCertificate> clientIdentity, X509Certificate trustedServer)
            throws SSLException {
        SslContextBuilder ssl = SslContextBuilder.forClient().trustManager(trustedServer);
        clientIdentity.ifPresent(id -> ssl.keyManager(id.privateKey(), id.certificate()));
        return NettyChannelBuilder.forAddress(address)
                .sslContext(GrpcSslContexts.configure(ssl, SslProvider.JDK).build())
                .overrideAuthority("localhost")
                .build();
    }

    public static ManagedChannel plaintext(InetSocketAddress address) {
        return NettyChannelBuilder.forAddress(address)
                .negotiationType(NegotiationType.PLAINTEXT)
                .build();
    }

    /** Parses "host:port" from the handshake's fourth field. */
    public static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
