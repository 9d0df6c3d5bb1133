package io.rpcnet.boot.migration;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.rpcnet.boot.autoconfigure.migration.notification.MigrationWebhookNotifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.coordinator.MigrationService;
import io.rpcnet.session.SessionManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A director with default settings (the endpoint read-only) and two workers: Actuator refuses to start
 * migrations or drains, every migration shows in the metrics and on {@code /actuator/prometheus}, and a webhook
 * that does not answer holds no migration up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationEndpointReadOnlyIntegrationTest {

    private final MigrationCluster cluster = new MigrationCluster();
    private final WireMockServer webhook = new WireMockServer(WireMockConfiguration.options()
            .bindAddress("127.0.0.1").dynamicPort());
    private ActuatorHttp http;

    @BeforeAll
    void start() {
        webhook.start();
        webhook.stubFor(post(urlPathEqualTo("/stalled")).willReturn(ok().withFixedDelay(6_000)));
        cluster.director(true, List.of(),
                        "rpcnet.migration.notifications.webhook-url=http://127.0.0.1:" + webhook.port() + "/stalled",
                        "rpcnet.migration.notifications.on-completion=true",
                        "rpcnet.migration.notifications.timeout=5s",
                        "rpcnet.migration.notifications.queue-capacity=2")
                .worker("w1", List.of(ControlledStateHandler.Beans.class))
                .worker("w2", List.of(ControlledStateHandler.Beans.class)).awaitWorkers(2);
        http = new ActuatorHttp(cluster.httpPort());
    }

    @AfterAll
    void stop() {
        cluster.close();
        webhook.stop();
    }

    @Test
    void startAndDrainAreRefusedByDefaultAndStartNothing() {
        String session = cluster.openSession();
        String owner = cluster.owner(session);
        String other = owner.equals("w1") ? "w2" : "w1";
        MigrationService migrations = cluster.migrations();
        int before = migrations.recentOutcomes().size();

        ActuatorHttp.Response start = http.post("/actuator/migration", "{\"sessionId\":\"" + session
                + "\",\"targetWorker\":\"" + other + "\"}");
        assertThat(start.status()).as(start.body()).isEqualTo(405);
        ActuatorHttp.Response drain = http.post("/actuator/migration/drain/" + owner, null);
        assertThat(drain.status()).as(drain.body()).isEqualTo(404); // no such operation is mapped

        assertThat(migrations.active()).isEmpty();
        assertThat(migrations.recentOutcomes()).hasSize(before);
        assertThat(cluster.owner(session)).isEqualTo(owner);
        assertThat(cluster.counter(session).worker()).isEqualTo(owner);
        assertThat(cluster.director().getBean(WorkerRegistry.class).cordoned()).isEmpty();
        assertThat(migrations.isDrained(owner)).isFalse();

        ActuatorHttp.Response summary = http.get("/actuator/migration"); // reading stays open
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.json().get("drains")).isEmpty();
        assertThat(http.get("/actuator/health/migration").json().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void aWebhookThatDoesNotAnswerNeitherSlowsNorFailsMigrations() throws Exception {
        MigrationWebhookNotifier notifier = cluster.director().getBean(MigrationWebhookNotifier.class);
        MigrationService migrations = cluster.migrations();
        for (int i = 0; i < 4; i++) {
            String session = cluster.openSession();
            MigrationOutcome o = migrations.migrate(session, cluster.other(session), MigrationParty.OPERATOR, "test")
                    .outcome()
                    .get(20, TimeUnit.SECONDS);
            assertThat(o.completed()).as(o.toString()).isTrue();
            // one delivery attempt alone takes 5 s (the webhook answers after 6 s)
            assertThat(o.duration()).isLessThan(Duration.ofSeconds(3));
            assertThat(cluster.owner(session)).isEqualTo(o.target());
        }
        // the first notification is in delivery, the second waits, the others were dropped: queue capacity 2
        assertThat(notifier.pending()).isEqualTo(2);
        assertThat(notifier.dropped()).isGreaterThanOrEqualTo(2);
        assertThat(notifier.delivered()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> webhook.getAllServeEvents().size() >= 1);
    }

    @Test
    void metricsCountEveryMigrationWithItsTagsAndPrometheusExposesThem() throws Exception {
        String failing = cluster.openSession();
        cluster.workers().values().forEach(w -> w.getBean(ControlledStateHandler.class).failOn(failing));
        MigrationService migrations = cluster.migrations();
        for (String session : List.of(cluster.openSession(), cluster.openSession(), failing)) {
            migrations.migrate(session, cluster.other(session), MigrationParty.OPERATOR, "test").outcome()
                    .get(20, TimeUnit.SECONDS);
        }
        List<MigrationOutcome> outcomes = cluster.migrations().recentOutcomes();
        long completed = outcomes.stream().filter(MigrationOutcome::completed).count();
        long failed = outcomes.stream().filter(o -> !o.completed()).count();
        long byTest = outcomes.stream().filter(o -> o.completed() && "test".equals(o.reason())).count();
        assertThat(byTest).isGreaterThanOrEqualTo(2);
        assertThat(http.metric("rpcnet.migration.total?tag=outcome:completed&tag=error:none", "COUNT"))
                .isEqualTo(completed);
        assertThat(http.metric("rpcnet.migration.total?tag=outcome:failed&tag=error:SOURCE_UNAVAILABLE", "COUNT"))
                .isEqualTo(failed).isPositive();
        assertThat(http.metric("rpcnet.migration.duration?tag=outcome:completed&tag=reason:test", "COUNT"))
                .isEqualTo(byTest);
        assertThat(http.metric("rpcnet.migration.pause?tag=outcome:completed&tag=reason:test", "COUNT"))
                .isEqualTo(byTest);
        assertThat(http.metric("rpcnet.migration.duration?tag=outcome:failed", "COUNT")).isEqualTo(failed);
        assertThat(http.metric("rpcnet.migration.state.size?tag=outcome:completed", "COUNT")).isEqualTo(completed);
        assertThat(http.metric("rpcnet.migration.state.size?tag=outcome:completed", "TOTAL")).isEqualTo(outcomes
                .stream().filter(MigrationOutcome::completed).mapToLong(MigrationOutcome::stateBytes).sum());
        assertThat(http.get("/actuator/metrics/rpcnet.migration.state.size").json().get("baseUnit").asString())
                .isEqualTo("bytes");
        assertThat(http.metric("rpcnet.migration.active", "VALUE")).isZero();
        int routed = cluster.director().getBean(DirectorGateway.class).routingTable().size();
        assertThat(http.metric("rpcnet.sessions.active", "VALUE")).isEqualTo(routed).isPositive();
        for (var w : cluster.workers().values()) { // a worker's gauge counts the sessions it holds
            assertThat(w.getBean(MeterRegistry.class).get("rpcnet.sessions.active").gauge().value())
                    .isEqualTo(w.getBean(SessionManager.class).activeSessions());
        }

        String prometheus = http.get("/actuator/prometheus").body();
        assertThat(prometheus)
                .containsPattern("rpcnet_migration_total\\{[^}]*error=\"none\"[^}]*outcome=\"completed\"[^}]*} "
                        + completed + "(\\.0)?\\n")
                .containsPattern("rpcnet_migration_total\\{[^}]*error=\"SOURCE_UNAVAILABLE\"[^}]*outcome=\"failed\"")
                .containsPattern("rpcnet_migration_duration_seconds_count\\{[^}]*outcome=\"completed\","
                        + "reason=\"test\"[^}]*} " + byTest + "(\\.0)?\\n")
                .containsPattern("rpcnet_migration_pause_seconds_count\\{[^}]*reason=\"test\"")
                .containsPattern("rpcnet_migration_state_size_bytes_count\\{[^}]*outcome=\"completed\"[^}]*} "
                        + completed + "(\\.0)?\\n")
                .containsPattern("rpcnet_migration_active(\\{[^}]*})? 0")
                .containsPattern("rpcnet_sessions_active(\\{[^}]*})? " + routed);
    }
}
