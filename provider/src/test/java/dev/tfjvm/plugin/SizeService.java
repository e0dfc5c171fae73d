package dev.tfjvm.plugin;

import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** A raw-bytes test service answering the size of the request, to probe message limits. */
final class SizeService implements BindableService {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    static final MethodDescriptor<byte[], byte[]> SIZE = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.Size/Measure")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder("test.Size")
                .addMethod(SIZE, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(
                            ByteBuffer.allocate(4).putInt(request.length).array());
                    response.onCompleted();
                }))
                .build();
    }

    static int measure(Channel channel, byte[] payload) {
        byte[] answer = ClientCalls.blockingUnaryCall(
                channel,
                SIZE,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS),
                payload);
        return ByteBuffer.wrap(answer).getInt();
    }
}
