package io.rpcnet.boot.cluster;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.client.ClusterClient;
import io.rpcnet.cluster.registry.WorkerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A director and two workers as three Spring contexts on loopback, wired only by properties. */
class ClusterRolesIntegrationTest {

    private static final String SECRET = "a-cluster-secret-of-at-least-32-bytes!";

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void workersJoinTheDirectorWhichBalancesCallsAndSeesThemLeave() {
        ConfigurableApplicationContext director = start("rpcnet.cluster.role=director");
        int port = Integer.parseInt(director.getEnvironment().getProperty("local.rpcnet.server.port"));
        ConfigurableApplicationContext w1 = start("rpcnet.cluster.role=worker", "rpcnet.cluster.member-id=w1",
                "rpcnet.cluster.seeds=localhost:" + port, "rpcnet.cluster.tags.label=worker-a");
        start("rpcnet.cluster.role=worker", "rpcnet.cluster.member-id=w2",
                "rpcnet.cluster.seeds=localhost:" + port, "rpcnet.cluster.tags.label=worker-b");

        WorkerRegistry registry = director.getBean(WorkerRegistry.class);
        await().atMost(Duration.ofSeconds(15)).until(() -> registry.alive(TagFilter.parse("role=worker")).size() == 2);
        assertThat(registry.member(new MemberId("w1")).orElseThrow().tags()).containsEntry("label", "worker-a");

        WhoAmI worker = director.getBean(ClusterClient.class).proxy(WhoAmI.class, TagFilter.parse("role=worker"));
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < 100; i++) {
            seen.merge(worker.whoAmI(), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys("w1", "w2");
        assertThat(seen.values()).allMatch(n -> n == 50);

        w1.close();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                registry.member(new MemberId("w1")).map(m -> m.status() == MemberStatus.LEFT).orElse(true));
        for (int i = 0; i < 10; i++) {
            assertThat(worker.whoAmI()).isEqualTo("w2");
        }
    }

    private ConfigurableApplicationContext start(String... properties) {
        List<String> all = new ArrayList<>(List.of(
                "spring.ssl.bundle.pem.node.keystore.certificate=classpath:tls/server.pem",
                "spring.ssl.bundle.pem.node.keystore.private-key=classpath:tls/server.key",
                "spring.ssl.bundle.pem.trust.truststore.certificate=classpath:tls/ca.pem",
                "rpcnet.server.ssl.bundle=node", "rpcnet.client.ssl.bundle=trust",
                "rpcnet.server.port=0", "rpcnet.server.address=127.0.0.1", "rpcnet.director.gateway.port=0",
                "rpcnet.server.shutdown.grace-period=1s", "rpcnet.cluster.secret=" + SECRET,
                "spring.main.banner-mode=off"));
        all.addAll(List.of(properties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ClusterApp.class)
                .web(WebApplicationType.NONE).properties(all.toArray(String[]::new)).run();
        contexts.add(context);
        return context;
    }
}
