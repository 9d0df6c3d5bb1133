package io.rpcnet.director;

import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.server.RpcServer;
import io.rpcnet.testing.TestTls;
import io.rpcnet.transport.TransportSettings;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Two worker servers registered as {@code w1}/{@code w2} (tag role=worker) behind a started
 * {@link DirectorGateway} on 127.0.0.1, and a client of the gateway; {@link #close()} stops everything.
 */
final class GatewayFixture implements AutoCloseable {

    static final MemberId W1 = MemberId.of("w1");
    static final MemberId W2 = MemberId.of("w2");

    final WorkerRegistry registry = new WorkerRegistry();
    final RoutingTable routes = new RoutingTable();
    final RpcServer worker1;
    final RpcServer worker2;
    final DirectorGateway gateway;
    final RpcClient client;

    GatewayFixture(RpcServer worker1, RpcServer worker2, UnaryOperator<RpcClient.Builder> clientCustomizer) {
        this.worker1 = worker1;
        this.worker2 = worker2;
        register(W1, worker1.port());
        register(W2, worker2.port());
        gateway = DirectorGateway.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(TestTls.server())
                .workerTls(TestTls.client())
                .workerSettings(TransportSettings.builder().handshakeTimeout(Duration.ofSeconds(2)).build())
                .registry(registry)
                .routingTable(routes)
                .build().start();
        client = clientCustomizer.apply(RpcClient.builder().target("localhost", gateway.port()).tls(TestTls.client()))
                .build();
    }

    /** A worker server on 127.0.0.1 with a short shutdown grace, configured by {@code services}. */
    static RpcServer worker(UnaryOperator<RpcServer.Builder> services) {
        return services.apply(RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(TestTls.server())
                .shutdownGracePeriod(Duration.ofMillis(200))).build().start();
    }

    void register(MemberId id, int port) {
        registry.upsert(MemberUpdate.builder(id, "127.0.0.1:" + port).tags(Map.of("role", "worker")).build(),
                System.nanoTime());
    }

    @Override
    public void close() {
        client.close();
        gateway.close();
        worker1.close();
        worker2.close();
    }
}
