package dev.tfjvm.server;

import dev.tfjvm.log.Log;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/** Logs every RPC Terraform makes, with its duration, at debug level (visible with TF_LOG=debug). */
public final class RpcLogging implements ServerInterceptor {
    private static final Log LOG = Log.get("rpc");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!LOG.isDebugEnabled()) {
            return next.startCall(call, headers);
        }
        String method = call.getMethodDescriptor().getBareMethodName();
        long started = System.nanoTime();
        return next.startCall(
                new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        LOG.debug(
                                "served " + method,
                                "rpc",
                                method,
                                "status",
                                status.getCode().name(),
                                "duration_ms",
                                (System.nanoTime() - started) / 1_000_000);
                        super.close(status, trailers);
                    }
                },
                headers);
    }
}
