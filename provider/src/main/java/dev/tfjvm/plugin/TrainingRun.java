package dev.tfjvm.plugin;

import dev.tfjvm.log.Log;
import dev.tfjvm.proto.goplugin.GRPCControllerGrpc;
import dev.tfjvm.proto.goplugin.GrpcControllerProto;
import dev.tfjvm.proto.tfplugin6.ProviderGrpc;
import dev.tfjvm.proto.tfplugin6.Tfplugin6;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@code --cds-training} run: goes through the managed start-up path (certificates,
 * TLS, server, handshake formatting) and one mTLS round trip as Terraform would make it, so
 * that a class-data-sharing archive recorded from this run holds the classes a real launch
 * needs. Writes nothing to stdout and has no side effects beyond the process.
 */
final class TrainingRun {
    private static final Log LOG = Log.get("plugin");
    private static final long DEADLINE_SECONDS = 30;

    private TrainingRun() {}

    static int run(Supplier<List<BindableService>> services) throws Exception {
        ServerCertificate client = ServerCertificate.generate(ServerCertificate.Curve.P521, "HashiCorp");
        Map<String, String> env = Map.of(
                GoPlugin.MAGIC_COOKIE_KEY, GoPlugin.MAGIC_COOKIE_VALUE,
                GoPlugin.ENV_PROTOCOL_VERSIONS, "5,6",
                GoPlugin.ENV_MIN_PORT, "0",
                GoPlugin.ENV_MAX_PORT, "0",
                GoPlugin.ENV_CLIENT_CERT, client.certificatePem());
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        int status = PluginMain.serveManaged(env, nowhere, services, server -> exercise(server, client));
        return status;
    }

    /** One client session like Terraform's: health, schema, then GRPCController.Shutdown. */
    private static void exercise(PluginServer server, ServerCertificate client) {
        ManagedChannel channel = null;
        try {
            channel = NettyChannelBuilder.forAddress(server.address())
                    .sslContext(GrpcSslContexts.configure(
                                    SslContextBuilder.forClient()
                                            .keyManager(client.privateKey(), client.certificate())
                                            .trustManager(server.certificate().orElseThrow()),
                                    SslProvider.JDK)
                            .build())
                    .overrideAuthority("localhost")
                    .build();
            HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder()
                            .setService(GoPlugin.HEALTH_SERVICE)
                            .build());
            try {
                ProviderGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .getProviderSchema(Tfplugin6.GetProviderSchema.Request.getDefaultInstance());
            } catch (RuntimeException e) {
                LOG.debug("training: GetProviderSchema failed", "error", e);
            }
            GRPCControllerGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .shutdown(GrpcControllerProto.Empty.getDefaultInstance());
        } catch (Exception e) {
            LOG.warn("training client failed; stopping the server", "error", e);
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
            server.close();
        }
    }
}
