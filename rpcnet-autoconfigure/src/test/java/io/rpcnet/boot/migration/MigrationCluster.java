package io.rpcnet.boot.migration;

import io.rpcnet.boot.autoconfigure.director.DirectorGatewayLifecycle;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.migration.coordinator.MigrationService;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * Test fixture: a director and workers as Spring contexts of {@link MigrationApp} on loopback, wired only by
 * properties (QUIC with the test CA, a shared cluster secret), and a client of the director's gateway. Close it
 * to stop everything, workers first (their director answers their drains).
 */
final class MigrationCluster implements AutoCloseable {

    static final String SECRET = "a-cluster-secret-of-at-least-32-bytes!";
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final Map<String, ConfigurableApplicationContext> workers = new LinkedHashMap<>();
    private ConfigurableApplicationContext director;
    private RpcClient client;

    /** Starts the director: a web application (random HTTP port) when {@code web}, with extra sources. */
    MigrationCluster director(boolean web, List<Class<?>> sources, String... properties) {
        List<String> all = new ArrayList<>(List.of("rpcnet.cluster.role=director", "server.port=0",
                "server.address=127.0.0.1", "management.endpoint.health.show-details=always",
                "management.endpoints.web.exposure.include=health,migration,metrics,prometheus"));
        all.addAll(Arrays.asList(properties));
        director = start(web ? WebApplicationType.SERVLET : WebApplicationType.NONE, sources, all);
        return this;
    }

    /** Starts worker {@code id} joining the director, with extra sources. */
    MigrationCluster worker(String id, List<Class<?>> sources, String... properties) {
        List<String> all = new ArrayList<>(List.of("rpcnet.cluster.role=worker", "rpcnet.cluster.member-id=" + id,
                "rpcnet.cluster.seeds=localhost:" + membershipPort()));
        all.addAll(Arrays.asList(properties));
        workers.put(id, start(WebApplicationType.NONE, sources, all));
        return this;
    }

    /** Waits until the director sees {@code n} live workers. */
    MigrationCluster awaitWorkers(int n) {
        WorkerRegistry registry = director.getBean(WorkerRegistry.class);
        await().atMost(Duration.ofSeconds(15)).until(() -> registry.alive(TagFilter.parse("role=worker")).size() == n);
        return this;
    }

    ConfigurableApplicationContext director() {
        return director;
    }

    ConfigurableApplicationContext worker(String id) {
        return workers.get(id);
    }

    Map<String, ConfigurableApplicationContext> workers() {
        return workers;
    }

    MigrationService migrations() {
        return director.getBean(MigrationService.class);
    }

    int httpPort() {
        return director.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    int gatewayPort() {
        return director.getEnvironment().getRequiredProperty(DirectorGatewayLifecycle.LOCAL_PORT_PROPERTY,
                Integer.class);
    }

    /** A client of the gateway, trusting the test CA, customised by {@code customizer}; the caller closes it. */
    RpcClient newClient(UnaryOperator<RpcClient.Builder> customizer) {
        return customizer.apply(RpcClient.builder().target("localhost", gatewayPort())
                .tls(director.getBean(RpcTlsFactory.class).client("trust", "test", null))).build();
    }

    /** The shared client of the gateway. */
    synchronized RpcClient client() {
        if (client == null) {
            client = newClient(UnaryOperator.identity());
        }
        return client;
    }

    /** Opens a session on a worker the gateway picks; returns its id. */
    String openSession() {
        return client().proxy(Counter.class, CallOptions.DEFAULT.withTimeout(CALL_TIMEOUT)).open();
    }

    /** The counter of {@code sessionId}. */
    Counter counter(String sessionId) {
        return client().proxy(Counter.class, CallOptions.DEFAULT.withTimeout(CALL_TIMEOUT).withSessionId(sessionId));
    }

    /** The worker the director routes {@code sessionId} to. */
    String owner(String sessionId) {
        return director.getBean(io.rpcnet.director.DirectorGateway.class).routingTable().route(sessionId)
                .map(r -> r.owner().value()).orElse(null);
    }

    /** The worker {@code sessionId} is not on (of two). */
    String other(String sessionId) {
        String owner = owner(sessionId);
        return workers.keySet().stream().filter(w -> !w.equals(owner)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        for (int i = contexts.size() - 1; i >= 0; i--) {
            contexts.get(i).close();
        }
    }

    private int membershipPort() {
        return director.getEnvironment().getRequiredProperty("local.rpcnet.server.port", Integer.class);
    }

    private ConfigurableApplicationContext start(WebApplicationType web, List<Class<?>> sources,
                                                 List<String> properties) {
        List<String> all = new ArrayList<>(List.of(
                "spring.ssl.bundle.pem.node.keystore.certificate=classpath:tls/server.pem",
                "spring.ssl.bundle.pem.node.keystore.private-key=classpath:tls/server.key",
                "spring.ssl.bundle.pem.trust.truststore.certificate=classpath:tls/ca.pem",
                "rpcnet.server.ssl.bundle=node", "rpcnet.client.ssl.bundle=trust",
                "rpcnet.server.port=0", "rpcnet.server.address=127.0.0.1", "rpcnet.director.gateway.port=0",
                "rpcnet.server.shutdown.grace-period=1s", "rpcnet.cluster.secret=" + SECRET,
                "rpcnet.migration.drain-timeout=20s", "spring.main.banner-mode=off",
                // a cold JVM on a busy machine, not a latency test: no worker turns SUSPECT over a late heartbeat
                "rpcnet.migration.pause-budget=2s", "rpcnet.cluster.failure-detector.acceptable-pause=2s"));
        all.addAll(properties);
        List<Class<?>> classes = new ArrayList<>(List.of(MigrationApp.class));
        classes.addAll(sources);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(classes.toArray(Class<?>[]::new))
                .web(web).properties(all.toArray(String[]::new)).run();
        contexts.add(context);
        return context;
    }
}
