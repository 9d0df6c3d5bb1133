package io.rpcnet.cluster.client;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.balance.LoadBalancingStrategy;
import io.rpcnet.cluster.registry.RegistryConfig;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.codec.JacksonCodec;
import io.rpcnet.server.RpcServer;
import io.rpcnet.testing.TestTls;
import io.rpcnet.transport.TransportSettings;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Real worker servers on 127.0.0.1 (QUIC + TLS), each serving a {@link ProbeService} that reports its id, and a
 * {@link WorkerRegistry} filled directly with {@code upsert} (no membership engine). Counts, on the client side,
 * the attempts each worker's client made (an interceptor runs before a call leaves, even if it then fails).
 */
final class Workers implements AutoCloseable {

    final WorkerRegistry registry;
    final ProbeService.Gates gates = new ProbeService.Gates();
    final Map<String, ProbeService> services = new LinkedHashMap<>();
    final Map<String, RpcServer> servers = new LinkedHashMap<>();
    private final Map<MemberId, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private ClusterClient client;

    Workers(LoadBalancingStrategy strategy) {
        this.registry = new WorkerRegistry(RegistryConfig.builder().strategy(strategy).build());
    }

    /** Starts worker {@code id} tagged {@code id=<id>} plus {@code tags}, and registers it as ALIVE. */
    Workers start(String id, Map<String, String> tags) {
        return start(id, tags, UnaryOperator.identity());
    }

    Workers start(String id, Map<String, String> tags, UnaryOperator<RpcServer.Builder> customizer) {
        ProbeService service = new ProbeService(id, gates);
        RpcServer server = customizer.apply(RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(TestTls.server())
                .shutdownGracePeriod(Duration.ofSeconds(2))
                .addService(WorkerProbe.class, service)).build().start();
        services.put(id, service);
        servers.put(id, server);
        Map<String, String> all = new LinkedHashMap<>(tags);
        all.put("id", id);
        registry.upsert(MemberUpdate.builder(id, "127.0.0.1:" + server.port()).tags(all).build(), System.nanoTime());
        return this;
    }

    /** A cluster client builder whose worker clients are the default ones (TLS, 1 s handshake timeout). */
    ClusterClientBuilder clientBuilder() {
        return ClusterClient.builder(registry)
                .tls(TestTls.client())
                .clientFactory(member -> WorkerClientFactory.defaults(TestTls.client(), new JacksonCodec(),
                        b -> b.settings(TransportSettings.builder()
                                        .handshakeTimeout(Duration.ofSeconds(1))
                                        .eventLoopThreads(1)
                                        .build())
                                .interceptor(call -> attempts(member.id()).incrementAndGet()))
                        .create(member));
    }

    /** Builds (and closes with the workers) a client from {@link #clientBuilder()} after {@code customizer}. */
    ClusterClient client(UnaryOperator<ClusterClientBuilder> customizer) {
        client = customizer.apply(clientBuilder()).build();
        return client;
    }

    AtomicInteger attempts(MemberId id) {
        return attempts.computeIfAbsent(id, k -> new AtomicInteger());
    }

    int attempts(String id) {
        return attempts(MemberId.of(id)).get();
    }

    int inFlight(String id) {
        return registry.loadTracker(MemberId.of(id)).inFlightCalls();
    }

    int entered(String id, String method) {
        return services.get(id).entered(method);
    }

    int entered(String method) {
        return services.values().stream().mapToInt(s -> s.entered(method)).sum();
    }

    @Override
    public void close() {
        gates.openAll();
        if (client != null) {
            client.close();
        }
        servers.values().forEach(s -> s.shutdown(Duration.ZERO));
    }
}
