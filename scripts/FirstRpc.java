// First RPC after the handshake, through the native launcher and a warm provider daemon:
//   java -cp bridge-demo/target/demo-provider.jar scripts/FirstRpc.java <launcher> <runs> <private daemon dir>
// Prints the medians (first run discarded) of exec -> handshake, the first RPC (mTLS handshake +
// grpc.health.v1 Check, as Terraform does first) and GetProviderSchema. The client is Java, so the
// first-RPC figure includes its own TLS work. Remove the socket in the daemon dir afterwards.
import dev.tfjvm.plugin.ServerCertificate;
import dev.tfjvm.proto.tfplugin6.ProviderGrpc;
import dev.tfjvm.proto.tfplugin6.Tfplugin6;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.*;
import io.grpc.netty.shaded.io.grpc.netty.*;
import io.grpc.netty.shaded.io.netty.handler.ssl.*;
import java.io.*;
import java.security.cert.*;
import java.util.*;

public class FirstRpc {
    public static void main(String[] a) throws Exception {
        ServerCertificate client = ServerCertificate.generate(ServerCertificate.Curve.P521, "HashiCorp");
        List<Long> hs = new ArrayList<>(), first = new ArrayList<>(), schema = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(a[1]); i++) {
            ProcessBuilder b = new ProcessBuilder(a[0]);
            b.environment().put("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2");
            b.environment().put("PLUGIN_PROTOCOL_VERSIONS", "5,6");
            b.environment().put("PLUGIN_CLIENT_CERT", client.certificatePem());
            b.environment().put("TF_JVM_DAEMON_DIR", a[2]);
            b.redirectError(ProcessBuilder.Redirect.DISCARD);
            long t0 = System.nanoTime();
            Process p = b.start();
            String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
            long t1 = System.nanoTime();
            String[] f = line.split("\\|");
            X509Certificate server = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(f[5])));
            String[] hp = f[3].split(":");
            ManagedChannel ch = NettyChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1]))
                .sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient().trustManager(server)
                    .keyManager(client.privateKey(), client.certificate()), SslProvider.JDK).build())
                .overrideAuthority("localhost").build();
            HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.newBuilder().setService("plugin").build());
            long t2 = System.nanoTime();
            ProviderGrpc.newBlockingStub(ch).getProviderSchema(Tfplugin6.GetProviderSchema.Request.getDefaultInstance());
            long t3 = System.nanoTime();
            ch.shutdownNow();
            p.destroy();
            p.waitFor();
            if (i > 0) { hs.add((t1 - t0) / 1000000); first.add((t2 - t1) / 1000000); schema.add((t3 - t2) / 1000000); }
        }
        Collections.sort(hs); Collections.sort(first); Collections.sort(schema);
        System.out.println("handshake median " + hs.get(hs.size() / 2) + " ms; first RPC (TLS + health) median "
            + first.get(first.size() / 2) + " ms; GetProviderSchema median " + schema.get(schema.size() / 2) + " ms; runs " + hs.size());
    }
}
