package io.rpcnet.benchmarks;

import io.grpc.CallOptions;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * grpc-java (Netty, shaded) over TLS on loopback, echoing {@code byte[]} through a hand-written
 * {@link MethodDescriptor} ({@code bench.Echo/Echo}, no protobuf codegen).
 *
 * <p>{@code direct=false} keeps grpc's default executors (what users get); {@code direct=true} sets
 * {@code directExecutor()} on both the server and the channel (the usual tuning).
 */
final class GrpcEchoSystem implements UnarySystem {

    static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("bench.Echo", "Echo"))
            .setRequestMarshaller(BytesMarshaller.INSTANCE)
            .setResponseMarshaller(BytesMarshaller.INSTANCE)
            .build();

    private final String name;
    private final Server server;
    private final ManagedChannel channel;

    GrpcEchoSystem(TlsMaterial tls, boolean direct) throws IOException {
        this.name = direct ? "grpc-direct" : "grpc-default";
        ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> response) -> {
                    response.onNext(request);
                    response.onCompleted();
                }))
                .build();
        NettyServerBuilder sb = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(tls.serverCertPem().toFile(), tls.serverKeyPem().toFile()).build())
                .addService(service);
        if (direct) {
            sb.directExecutor();
        }
        this.server = sb.build().start();
        NettyChannelBuilder cb = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .overrideAuthority("localhost")
                .sslContext(GrpcSslContexts.forClient().trustManager(tls.caPem().toFile()).build());
        if (direct) {
            cb.directExecutor();
        }
        this.channel = cb.build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void call(byte[] payload, Callback callback) {
        ClientCalls.asyncUnaryCall(channel.newCall(ECHO, CallOptions.DEFAULT), payload, new Observer(callback));
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Adapts a unary response observer to {@link Callback}. */
    private static final class Observer implements StreamObserver<byte[]> {
        private final Callback callback;
        private byte[] response;

        Observer(Callback callback) {
            this.callback = callback;
        }

        @Override
        public void onNext(byte[] value) {
            response = value;
        }

        @Override
        public void onError(Throwable t) {
            callback.done(null, t);
        }

        @Override
        public void onCompleted() {
            callback.done(response, null);
        }
    }

    /** {@code byte[]} as-is; the stream is {@link KnownLength} and {@link Drainable} so grpc copies it once. */
    enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new BytesStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                if (stream instanceof KnownLength) {
                    int n = stream.available();
                    byte[] b = stream.readNBytes(n);
                    if (stream.read() == -1) {
                        return b;
                    }
                    throw new IOException("stream longer than its known length");
                }
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A byte array stream grpc can size up front and drain in one write. */
    private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
        BytesStream(byte[] buf) {
            super(buf);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }
}
