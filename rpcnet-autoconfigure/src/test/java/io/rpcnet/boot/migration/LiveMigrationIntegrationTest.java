package io.rpcnet.boot.migration;

import io.rpcnet.boot.autoconfigure.director.DirectorGatewayLifecycle;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.coordinator.MigrationService;
import io.rpcnet.session.SessionTrailers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A director and two workers as three Spring contexts on loopback, wired only by properties: a client of the
 * director's gateway keeps one session while an operator moves it and while its worker shuts down.
 */
class LiveMigrationIntegrationTest {

    private static final String SECRET = "a-cluster-secret-of-at-least-32-bytes!";

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final Map<String, ConfigurableApplicationContext> workers = new LinkedHashMap<>();
    private RpcClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        for (int i = contexts.size() - 1; i >= 0; i--) { // workers first: their directors answer their drains
            contexts.get(i).close();
        }
    }

    @Test
    void aSessionMovesOnRequestAndWhenItsWorkerShutsDownWithoutAFailedCall() throws Exception {
        ConfigurableApplicationContext director = start("rpcnet.cluster.role=director");
        int membershipPort = director.getEnvironment().getRequiredProperty("local.rpcnet.server.port", Integer.class);
        int gatewayPort = director.getEnvironment().getRequiredProperty(DirectorGatewayLifecycle.LOCAL_PORT_PROPERTY,
                Integer.class);
        for (String id : List.of("w1", "w2")) {
            workers.put(id, start("rpcnet.cluster.role=worker", "rpcnet.cluster.member-id=" + id,
                    "rpcnet.cluster.seeds=localhost:" + membershipPort));
        }
        WorkerRegistry registry = director.getBean(WorkerRegistry.class);
        await().atMost(Duration.ofSeconds(15)).until(() -> registry.alive(TagFilter.parse("role=worker")).size() == 2);

        AtomicReference<String> announced = new AtomicReference<>();
        client = RpcClient.builder().target("localhost", gatewayPort)
                .tls(director.getBean(RpcTlsFactory.class).client("trust", "test", null)) // the test CA's trust
                .interceptor(call -> call.onClose(status -> SessionTrailers.sessionId(call.trailers())
                        .ifPresent(announced::set)))
                .build();
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
        String sessionId = client.proxy(Counter.class, options).open();
        assertThat(announced.get()).isEqualTo(sessionId);
        Counter counter = client.proxy(Counter.class, options.withSessionId(sessionId));
        String first = counter.worker();
        String second = first.equals("w1") ? "w2" : "w1";
        assertThat(counter.increment()).isEqualTo(1);
        assertThat(counter.increment()).isEqualTo(2);
        assertThat(counter.increment()).isEqualTo(3);

        MigrationService migrations = director.getBean(MigrationService.class);
        MigrationOutcome moved = migrations.migrate(sessionId, null, MigrationParty.OPERATOR, "test").outcome()
                .get(20, TimeUnit.SECONDS);
        assertThat(moved.completed()).as(moved.toString()).isTrue();
        assertThat(moved.target()).isEqualTo(second);
        assertThat(counter.worker()).isEqualTo(second);
        assertThat(counter.increment()).isEqualTo(4);

        workers.get(second).close(); // graceful shutdown: drained (the session moves back) before it leaves
        assertThat(counter.worker()).isEqualTo(first);
        assertThat(counter.increment()).isEqualTo(5);
        assertThat(migrations.recentOutcomes()).hasSize(2).allMatch(MigrationOutcome::completed);
        assertThat(migrations.recentOutcomes().get(1).source()).isEqualTo(second);
        assertThat(migrations.recentOutcomes().get(1).target()).isEqualTo(first);
    }

    private ConfigurableApplicationContext start(String... properties) {
        List<String> all = new ArrayList<>(List.of(
                "spring.ssl.bundle.pem.node.keystore.certificate=classpath:tls/server.pem",
                "spring.ssl.bundle.pem.node.keystore.private-key=classpath:tls/server.key",
                "spring.ssl.bundle.pem.trust.truststore.certificate=classpath:tls/ca.pem",
                "rpcnet.server.ssl.bundle=node", "rpcnet.client.ssl.bundle=trust",
                "rpcnet.server.port=0", "rpcnet.server.address=127.0.0.1", "rpcnet.director.gateway.port=0",
                "rpcnet.server.shutdown.grace-period=1s", "rpcnet.cluster.secret=" + SECRET,
                "rpcnet.migration.drain-timeout=20s", "spring.main.banner-mode=off",
                "rpcnet.migration.pause-budget=2s")); // a cold JVM on a busy machine, not a latency test
        all.addAll(List.of(properties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(MigrationApp.class)
                .web(WebApplicationType.NONE).properties(all.toArray(String[]::new)).run();
        contexts.add(context);
        return context;
    }
}
