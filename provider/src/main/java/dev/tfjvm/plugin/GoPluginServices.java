package dev.tfjvm.plugin;

import com.google.protobuf.Empty;
import dev.tfjvm.log.Log;
import dev.tfjvm.proto.goplugin.GRPCBrokerGrpc;
import dev.tfjvm.proto.goplugin.GRPCControllerGrpc;
import dev.tfjvm.proto.goplugin.GRPCStdioGrpc;
import dev.tfjvm.proto.goplugin.GrpcBrokerProto.ConnInfo;
import dev.tfjvm.proto.goplugin.GrpcControllerProto;
import dev.tfjvm.proto.goplugin.GrpcStdioProto.StdioData;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** go-plugin's own services: controller (Shutdown), stdio and broker (both kept idle). */
final class GoPluginServices {
    private static final Log LOG = Log.get("plugin");

    /** Streams held open by the client, completed when the server stops. */
    private final Set<StreamObserver<?>> openStreams = ConcurrentHashMap.newKeySet();

    private final Runnable onShutdownRequest;

    GoPluginServices(Runnable onShutdownRequest) {
        this.onShutdownRequest = onShutdownRequest;
    }

    GRPCControllerGrpc.GRPCControllerImplBase controller() {
        return new GRPCControllerGrpc.GRPCControllerImplBase() {
            @Override
            public void shutdown(
                    GrpcControllerProto.Empty request, StreamObserver<GrpcControllerProto.Empty> response) {
                LOG.debug("shutdown requested by the plugin client");
                response.onNext(GrpcControllerProto.Empty.getDefaultInstance());
                response.onCompleted();
                onShutdownRequest.run();
            }
        };
    }

    /** Logs go to stderr directly, so the stdio stream stays open and silent. */
    GRPCStdioGrpc.GRPCStdioImplBase stdio() {
        return new GRPCStdioGrpc.GRPCStdioImplBase() {
            @Override
            public void streamStdio(Empty request, StreamObserver<StdioData> response) {
                hold(response);
            }
        };
    }

    /** Terraform providers never broker connections; accept the stream and ignore it. */
    GRPCBrokerGrpc.GRPCBrokerImplBase broker() {
        return new GRPCBrokerGrpc.GRPCBrokerImplBase() {
            @Override
            public StreamObserver<ConnInfo> startStream(StreamObserver<ConnInfo> response) {
                hold(response);
                return new StreamObserver<>() {
                    @Override
                    public void onNext(ConnInfo value) {
                        LOG.debug("ignoring a go-plugin broker message", "service_id", value.getServiceId());
                    }

                    @Override
                    public void onError(Throwable t) {
                        openStreams.remove(response);
                    }

                    @Override
                    public void onCompleted() {
                        complete(response);
                    }
                };
            }
        };
    }

    private void hold(StreamObserver<?> response) {
        openStreams.add(response);
        if (response instanceof ServerCallStreamObserver<?> call) {
            call.setOnCancelHandler(() -> openStreams.remove(response));
        }
    }

    private void complete(StreamObserver<?> stream) {
        if (openStreams.remove(stream)) {
            try {
                stream.onCompleted();
            } catch (RuntimeException e) {
                // The client went away at the same moment; nothing to complete.
            }
        }
    }

    void completeOpenStreams() {
        for (StreamObserver<?> stream : Set.copyOf(openStreams)) {
            complete(stream);
        }
    }
}
