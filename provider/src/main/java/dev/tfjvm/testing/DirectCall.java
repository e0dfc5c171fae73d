package dev.tfjvm.testing;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Calls one unary RPC of a gRPC service object directly, without a network, as Terraform would
 * call it: {@code DirectCall.unary(service::planResourceChange, request)}.
 */
public final class DirectCall {
    private DirectCall() {}

    public static <Q, R> R unary(BiConsumer<Q, StreamObserver<R>> rpc, Q request) {
        CompletableFuture<R> result = new CompletableFuture<>();
        rpc.accept(request, new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.completeExceptionally(new IllegalStateException("the RPC completed without a response"));
            }
        });
        return result.join();
    }
}
