package io.rpcnet.boot.migration;

import io.rpcnet.boot.autoconfigure.migration.actuate.MigrationStatistics;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.coordinator.MigrationService;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.annotation.Bean;
import io.rpcnet.director.DirectorGateway;
import tools.jackson.databind.JsonNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.rpcnet.boot.migration.ActuatorHttp.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/migration} and health {@code migration} over real HTTP on a director (write access enabled) with
 * two workers on loopback: what they show of migrations actually run, starting migrations and drains, the answers
 * to bad requests, and failures reaching a webhook (WireMock).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationEndpointIntegrationTest {

    private static final String WEBHOOK_SECRET = "webhook-secret-for-tests";

    private final MigrationCluster cluster = new MigrationCluster();
    private final WireMockServer webhook = new WireMockServer(WireMockConfiguration.options()
            .bindAddress("127.0.0.1").dynamicPort());
    private ActuatorHttp http;

    /** The director's extra bean: a clock the health indicator reads. */
    static final class DirectorBeans {
        @Bean
        TestClock testClock() {
            return new TestClock();
        }
    }

    @BeforeAll
    void start() {
        webhook.start();
        cluster.director(true, List.of(DirectorBeans.class), "management.endpoint.migration.access=unrestricted",
                        "rpcnet.migration.step-timeout=20s", "rpcnet.migration.health.min-migrations=2",
                        "rpcnet.migration.notifications.webhook-url=http://127.0.0.1:" + webhook.port()
                                + "/hooks/migration?token=t0k3n",
                        "rpcnet.migration.notifications.secret=" + WEBHOOK_SECRET,
                        "rpcnet.migration.notifications.backoff=20ms")
                .worker("w1", List.of(ControlledStateHandler.Beans.class))
                .worker("w2", List.of(ControlledStateHandler.Beans.class))
                .awaitWorkers(2);
        http = new ActuatorHttp(cluster.httpPort());
    }

    @AfterAll
    void stop() {
        cluster.close();
        webhook.stop();
    }

    @AfterEach
    void reset() {
        cluster.director().getBean(TestClock.class).reset();
        cluster.workers().values().forEach(w -> w.getBean(ControlledStateHandler.class).reset());
        WorkerRegistry registry = cluster.director().getBean(WorkerRegistry.class);
        cluster.workers().keySet().forEach(id -> registry.uncordon(MemberId.of(id)));
    }

    @Test
    void summaryAndDetailShowTheMigrationsThatRan() {
        List<String> sessions = List.of(cluster.openSession(), cluster.openSession(), cluster.openSession());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            String session = sessions.get(i);
            String from = cluster.owner(session);
            String to = from.equals("w1") ? "w2" : "w1";
            String body = i == 2 ? "{\"sessionId\":\"" + session + "\",\"targetWorker\":\"" + to + "\"}"
                    : "{\"sessionId\":\"" + session + "\"}"; // the load balancer picks the only other worker
            // a refused start starts nothing: retried should a heartbeat be late and no worker look ALIVE
            ActuatorHttp.Response started = await().atMost(Duration.ofSeconds(10))
                    .until(() -> http.post("/actuator/migration", body), r -> r.status() != 503);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            JsonNode json = started.json();
            assertThat(json.get("sessionId").asString()).isEqualTo(session);
            assertThat(json.get("source").asString()).isEqualTo(from);
            assertThat(json.get("target").asString()).isEqualTo(to);
            ids.add(json.get("migrationId").asString());
        }
        MigrationService migrations = cluster.migrations();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(http.outcome(id)));
            JsonNode m = http.get("/actuator/migration/" + id).json();
            MigrationOutcome outcome = migrations.recentOutcomes().stream()
                    .filter(o -> o.migrationId().equals(id)).findFirst().orElseThrow();
            assertThat(m.get("sessionId").asString()).isEqualTo(sessions.get(i));
            assertThat(m.get("target").asString()).isEqualTo(outcome.target())
                    .isEqualTo(cluster.owner(sessions.get(i)));
            assertThat(m.get("source").asString()).isEqualTo(outcome.source());
            assertThat(m.get("requestedBy").asString()).isEqualTo("OPERATOR");
            assertThat(m.get("reason").asString()).isEqualTo("actuator");
            assertThat(m.get("phase").asString()).isEqualTo("CUT_OVER");
            assertThat(m.get("progressPercent").asInt()).isEqualTo(100);
            assertThat(m.get("durationMs").asDouble()).isPositive()
                    .isEqualTo(outcome.duration().toNanos() / 1_000_000.0, offset(0.001));
            assertThat(m.get("pauseMs").asDouble()).isPositive()
                    .isEqualTo(outcome.pause().toNanos() / 1_000_000.0, offset(0.001));
            assertThat(m.get("stateBytes").asLong()).isPositive().isEqualTo(outcome.stateBytes());
            assertThat(m.get("error").isNull()).isTrue();
            assertThat(m.get("startedAt").asString()).isNotBlank();
            assertThat(cluster.counter(sessions.get(i)).worker()).isEqualTo(outcome.target());
        }

        JsonNode summary = http.get("/actuator/migration").json();
        assertThat(summary.get("activeCount").asInt()).isZero();
        assertThat(summary.get("active")).isEmpty();
        List<String> recentIds = new ArrayList<>();
        List<String> finished = new ArrayList<>();
        summary.get("recent").forEach(r -> {
            recentIds.add(r.get("migrationId").asString());
            finished.add(r.get("finishedAt").asString());
        });
        assertThat(recentIds).containsAll(ids);
        assertThat(finished).isSortedAccordingTo(Comparator.reverseOrder()); // most recent first
        // counts by outcome and error, success rate, duration and pause percentiles: those of the outcomes
        List<MigrationOutcome> outcomes = migrations.recentOutcomes();
        assertThat(summary.get("outcomes")).isEqualTo(ActuatorHttp.toJson(MigrationStatistics.of(outcomes)));
        assertThat(summary.get("outcomes").get("migrations").asInt()).isEqualTo(outcomes.size()).isPositive();
        assertThat(summary.get("outcomes").get("durationMs").get("p99").asDouble()).isPositive();
        assertThat(http.get("/actuator/migration/no-such-migration").status()).isEqualTo(404);
    }

    @Test
    void badRequestsGetAnErrorWithAMessageAndStartNothing() {
        String session = cluster.openSession();
        String owner = cluster.owner(session);
        MigrationService migrations = cluster.migrations();
        int before = migrations.recent().size();

        assertError(http.post("/actuator/migration", "{\"sessionId\":\"no-such-session\"}"), 404,
                "SOURCE_UNAVAILABLE", "not known to the director");
        assertError(http.post("/actuator/migration", "{\"sessionId\":\"" + session + "\",\"targetWorker\":\"w9\"}"),
                422, "TARGET_UNAVAILABLE", "worker 'w9' is not known");
        assertError(http.post("/actuator/migration", "{\"sessionId\":\"" + session + "\",\"targetWorker\":\""
                + owner + "\"}"), 422, "TARGET_UNAVAILABLE", "already on " + owner);
        assertError(http.post("/actuator/migration", "{\"targetWorker\":\"w1\"}"), 400, "BAD_REQUEST",
                "sessionId is required");
        assertError(http.post("/actuator/migration/drain/w9", null), 404, "UNKNOWN_WORKER",
                "worker 'w9' is not known");
        assertError(http.post("/actuator/migration/evict/w1", null), 404, "NOT_FOUND", "unknown action 'evict'");
        ActuatorHttp.Response badJson = http.post("/actuator/migration", "{\"sessionId\": ");
        assertThat(badJson.status()).as(badJson.body()).isEqualTo(400);
        assertThat(badJson.body()).contains("Bad Request");

        assertThat(migrations.active()).isEmpty();
        assertThat(migrations.recent()).hasSize(before);
        assertThat(cluster.owner(session)).isEqualTo(owner);
        assertThat(cluster.director().getBean(WorkerRegistry.class).cordoned()).isEmpty();
    }

    @Test
    void drainOverHttpMovesEverySessionOfALoadedWorkerWithoutAFailedCall() throws Exception {
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sessions.add(cluster.openSession());
        }
        String worker = cluster.owner(sessions.get(0));
        List<String> onWorker = sessions.stream().filter(s -> worker.equals(cluster.owner(s))).toList();
        assertThat(onWorker).hasSizeGreaterThanOrEqualTo(2);

        Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        sessions.forEach(s -> counts.put(s, new AtomicLong()));
        AtomicInteger failures = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> held = new ArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(2);
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int half = t;
            callers.add(load.submit(() -> {
                while (running.get()) {
                    for (int i = half; i < sessions.size(); i += 2) {
                        String s = sessions.get(i);
                        try {
                            long value = cluster.counter(s).increment();
                            counts.get(s).set(value);
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                }
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> counts.values().stream().allMatch(c -> c.get() > 0));
            held.addAll(cluster.director().getBean(DirectorGateway.class).routingTable()
                    .snapshot().entrySet().stream().filter(e -> e.getValue().owner().value().equals(worker))
                    .map(Map.Entry::getKey).toList()); // these sessions and those earlier tests left there
            ActuatorHttp.Response started = http.post("/actuator/migration/drain/" + worker, null);
            assertThat(started.status()).as(started.body()).isIn(200, 202);
            assertThat(started.json().get("worker").asString()).isEqualTo(worker);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "DRAINED".equals(http.get("/actuator/migration").json().get("drains").get(worker).get("state")
                            .asString()));
        } finally {
            running.set(false);
            for (Future<?> f : callers) {
                f.get();
            }
            load.shutdown();
        }
        assertThat(failures.get()).isZero();
        for (String s : sessions) { // no increment lost or repeated: the next one follows the last one seen
            assertThat(cluster.counter(s).increment()).isEqualTo(counts.get(s).get() + 1);
        }
        JsonNode summary = http.get("/actuator/migration").json();
        JsonNode drain = summary.get("drains").get(worker);
        assertThat(held).containsAll(onWorker);
        assertThat(drain.get("migrated").asInt()).isEqualTo(held.size());
        assertThat(drain.get("failed").asInt()).isZero();
        assertThat(drain.get("remaining").asInt()).isZero();
        List<JsonNode> drained = new ArrayList<>();
        summary.get("recent").forEach(r -> {
            if (("drain of " + worker).equals(r.get("reason").asString(null))) {
                drained.add(r);
            }
        });
        assertThat(drained).hasSize(held.size()).allSatisfy(r -> {
            assertThat(r.get("state").asString()).isEqualTo("COMPLETED");
            assertThat(r.get("source").asString()).isEqualTo(worker);
            assertThat(r.get("durationMs").asDouble()).isPositive();
        });
        assertThat(drained.stream().map(r -> r.get("sessionId").asString())).containsExactlyInAnyOrderElementsOf(held);
        assertThat(held).noneMatch(s -> worker.equals(cluster.owner(s)));
    }

    @Test
    void healthTurnsDownWhileAMigrationIsStuckAndUpOnceItFinishes() {
        String session = cluster.openSession();
        String source = cluster.owner(session);
        ControlledStateHandler handler = cluster.worker(source).getBean(ControlledStateHandler.class);
        handler.hold(session); // its capture waits: the migration stays in BASE_COPY
        String id = http.start(session, cluster.other(session));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> "BASE_COPY".equals(
                    http.get("/actuator/migration/" + id).json().get("phase").asString(null)));
            JsonNode summary = http.get("/actuator/migration").json();
            assertThat(summary.get("activeCount").asInt()).isEqualTo(1);
            assertThat(summary.get("active").get(0).get("migrationId").asString()).isEqualTo(id);
            assertThat(summary.get("active").get(0).get("state").asString()).isEqualTo("TRANSFERRING");
            assertError(http.post("/actuator/migration", "{\"sessionId\":\"" + session + "\",\"targetWorker\":\""
                    + cluster.other(session) + "\"}"), 409,
                    "ALREADY_MIGRATING", "already being migrated");
            assertThat(health().status()).isEqualTo(200);

            // timeout 30s + stuck margin 10s later, it is still running
            cluster.director().getBean(TestClock.class).advance(Duration.ofSeconds(41));
            ActuatorHttp.Response down = health();
            assertThat(down.status()).as(down.body()).isEqualTo(503);
            JsonNode details = down.json().get("details");
            assertThat(down.json().get("status").asString()).isEqualTo("DOWN");
            assertThat(details.get("reason").asString()).contains("1 migration(s) running for longer than 40 s");
            assertThat(details.get("stuck").get(0).get("migrationId").asString()).isEqualTo(id);
            assertThat(details.get("stuck").get(0).get("phase").asString()).isEqualTo("BASE_COPY");
            assertThat(details.get("stuck").get(0).get("ageMs").asLong()).isGreaterThan(40_000);
        } finally {
            handler.release();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(http.outcome(id)));
        ActuatorHttp.Response up = health();
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(up.json().get("status").asString()).isEqualTo("UP");
        assertThat(up.json().get("details").get("stuck")).isEmpty();
    }

    @Test
    void failuresTurnHealthDownAndReachTheWebhookSignedAndRetried() throws Exception {
        webhook.resetAll();
        webhook.stubFor(post(urlPathEqualTo("/hooks/migration")).inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(serverError()).willSetStateTo("up"));
        webhook.stubFor(post(urlPathEqualTo("/hooks/migration")).inScenario("flaky")
                .whenScenarioStateIs("up").willReturn(ok()));
        // only what finishes from now on is in the health window
        cluster.director().getBean(TestClock.class).fix(Instant.now().plus(Duration.ofMinutes(5)));

        List<String> failed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String session = cluster.openSession();
            cluster.workers().values().forEach(w -> w.getBean(ControlledStateHandler.class).failOn(session));
            String id = http.start(session, cluster.other(session));
            await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED".equals(http.outcome(id)));
            JsonNode m = http.get("/actuator/migration/" + id).json();
            assertThat(m.get("error").asString()).isEqualTo("SOURCE_UNAVAILABLE");
            assertThat(m.get("detail").asString()).contains("capture refused by the test");
            assertThat(cluster.owner(session)).isEqualTo(m.get("source").asString()); // rolled back
            failed.add(id);
        }
        ActuatorHttp.Response down = health();
        assertThat(down.status()).as(down.body()).isEqualTo(503);
        assertThat(down.json().get("details").get("reason").asString())
                .contains("2 of 2 migrations failed in the last 300 s");
        assertThat(down.json().get("details").get("window").get("failureRate").asDouble()).isEqualTo(1.0);

        // the first delivery meets a 500 and is retried: three requests, two deliveries, all signed
        await().atMost(Duration.ofSeconds(10)).until(() -> webhook.getAllServeEvents().size() == 3);
        List<LoggedRequest> requests = webhook.findAll(postRequestedFor(urlPathEqualTo("/hooks/migration")));
        assertThat(requests.stream().map(q -> q.getHeader("X-RpcNet-Delivery")).distinct()).hasSize(2);
        assertThat(requests).allSatisfy(q -> {
            assertThat(q.queryParameter("token").firstValue()).isEqualTo("t0k3n");
            assertThat(q.getHeader("X-RpcNet-Signature")).isEqualTo("sha256=" + hmac(q.getBody()));
            assertThat(q.getHeader("X-RpcNet-Event")).isEqualTo("migration.rolled_back");
            JsonNode body = new ActuatorHttp.Response(200, q.getBodyAsString()).json();
            assertThat(List.of("event", "outcome", "error", "phase", "reason").stream().map(f -> body.get(f)
                    .asString())).containsExactly("migration.rolled_back", "FAILED", "SOURCE_UNAVAILABLE",
                    "BASE_COPY", "actuator");
            assertThat(failed).contains(body.get("migrationId").asString());
            assertThat(body.get("durationMs").asDouble()).isPositive();
        });
        assertThat(requests.stream().map(q -> new ActuatorHttp.Response(200, q.getBodyAsString()).json()
                .get("migrationId").asString()).distinct()).containsExactlyInAnyOrderElementsOf(failed);

        // two completed migrations bring the window's failure rate to 0.5, not above the threshold
        for (int i = 0; i < 2; i++) {
            String session = cluster.openSession();
            String id = http.start(session, cluster.other(session));
            await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(http.outcome(id)));
        }
        ActuatorHttp.Response up = health();
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(up.json().get("details").get("window").get("migrations").asInt()).isEqualTo(4);
        assertThat(webhook.getAllServeEvents()).hasSize(3); // completions are not notified by default
    }

    private ActuatorHttp.Response health() {
        return http.get("/actuator/health/migration");
    }

    private static String hmac(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
