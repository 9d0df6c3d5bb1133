package io.rpcnet.testing;

import io.rpcnet.client.RpcClient;
import io.rpcnet.server.RpcServer;
import io.rpcnet.transport.TransportSettings;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A started server with {@link EchoServiceImpl} on 127.0.0.1 and a client for it; close both after. */
public final class RpcFixture implements AutoCloseable {

    public final EchoServiceImpl service = new EchoServiceImpl();
    public final RpcServer server;
    public final RpcClient client;

    public RpcFixture() {
        this(UnaryOperator.identity(), UnaryOperator.identity());
    }

    public RpcFixture(UnaryOperator<RpcServer.Builder> server, UnaryOperator<RpcClient.Builder> client) {
        this.server = server.apply(RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(TestTls.server())
                .shutdownGracePeriod(Duration.ofSeconds(2))
                .addService(EchoService.class, service)).build().start();
        this.client = client.apply(RpcClient.builder()
                .target("localhost", this.server.port())
                .tls(TestTls.client())).build();
    }

    public EchoService echo() {
        return client.proxy(EchoService.class);
    }

    public static TransportSettings.Builder settings() {
        return TransportSettings.builder();
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
