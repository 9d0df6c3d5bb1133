package io.rpcnet.boot.autoconfigure.migration.notification;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.state.MigrationPhase;
import io.rpcnet.migration.state.MigrationState;
import io.rpcnet.migration.tracker.MigrationView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The notifier against a real HTTP receiver (WireMock): payload, signature, retries, give-up, drops. */
class MigrationWebhookNotifierTest {

    private static final Instant NOW = Instant.parse("2026-11-02T10:15:30Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WireMockServer receiver = new WireMockServer(WireMockConfiguration.options()
            .bindAddress("127.0.0.1").dynamicPort());
    private MigrationWebhookNotifier notifier;

    @BeforeEach
    void start() {
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (notifier != null) {
            notifier.close();
        }
        receiver.stop();
    }

    @Test
    void postsASignedJsonNotificationOfARolledBackMigration() throws Exception {
        receiver.stubFor(post(urlEqualTo("/hook")).willReturn(ok()));
        notifier = notifier(p -> p.setSecret("s3cret"), MigrationPhase.CUT_OVER);
        notifier.accept(failed("m1", MigrationError.PAUSE_BUDGET_EXCEEDED, "held \"too\" long\n"));

        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.delivered() == 1);
        LoggedRequest q = receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).get(0);
        assertThat(q.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(q.getHeader("X-RpcNet-Event")).isEqualTo("migration.rolled_back");
        assertThat(q.getHeader("X-RpcNet-Delivery")).isNotBlank();
        assertThat(q.getHeader("X-RpcNet-Signature")).isEqualTo("sha256=" + hmac("s3cret", q.getBody()));
        JsonNode body = JSON.readTree(q.getBodyAsString());
        assertThat(body.get("event").asString()).isEqualTo("migration.rolled_back");
        assertThat(body.get("migrationId").asString()).isEqualTo("m1");
        assertThat(body.get("sessionId").asString()).isEqualTo("s1");
        assertThat(body.get("source").asString()).isEqualTo("w1");
        assertThat(body.get("target").asString()).isEqualTo("w2");
        assertThat(body.get("outcome").asString()).isEqualTo("FAILED");
        assertThat(body.get("error").asString()).isEqualTo("PAUSE_BUDGET_EXCEEDED");
        assertThat(body.get("detail").asString()).isEqualTo("held \"too\" long\n");
        assertThat(body.get("phase").asString()).isEqualTo("CUT_OVER");
        assertThat(body.get("requestedBy").asString()).isEqualTo("OPERATOR");
        assertThat(body.get("reason").asString()).isEqualTo("test");
        assertThat(body.get("durationMs").asDouble()).isEqualTo(120.5);
        assertThat(body.get("pauseMs").asDouble()).isEqualTo(60.25);
        assertThat(body.get("stateBytes").asLong()).isEqualTo(4096);
        assertThat(body.get("timestamp").asString()).isEqualTo(NOW.toString());
    }

    @Test
    void aFailureBeforeAnyStateMovedIsAFailedEventAndUnsignedWithoutASecret() throws Exception {
        receiver.stubFor(post(urlEqualTo("/hook")).willReturn(ok()));
        notifier = notifier(p -> { }, null);
        notifier.accept(failed("m2", MigrationError.TARGET_UNAVAILABLE, "target refused"));
        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.delivered() == 1);
        LoggedRequest q = receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).get(0);
        assertThat(q.getHeader("X-RpcNet-Event")).isEqualTo("migration.failed");
        assertThat(q.containsHeader("X-RpcNet-Signature")).isFalse();
        assertThat(JSON.readTree(q.getBodyAsString()).get("phase").isNull()).isTrue();
    }

    @Test
    void retriesAfterA500WithTheSameDeliveryAndBody() {
        receiver.stubFor(post(urlEqualTo("/hook")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(serverError()).willSetStateTo("up"));
        receiver.stubFor(post(urlEqualTo("/hook")).inScenario("flaky").whenScenarioStateIs("up").willReturn(ok()));
        notifier = notifier(p -> p.setSecret("s3cret"), MigrationPhase.BASE_COPY);
        notifier.accept(failed("m3", MigrationError.TIMEOUT, "slow"));

        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.delivered() == 1);
        List<LoggedRequest> requests = receiver.findAll(postRequestedFor(urlEqualTo("/hook")));
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).getHeader("X-RpcNet-Delivery")).isEqualTo(requests.get(1).getHeader(
                "X-RpcNet-Delivery"));
        assertThat(requests.get(0).getBody()).isEqualTo(requests.get(1).getBody());
        assertThat(notifier.pending()).isZero();
        assertThat(notifier.undelivered()).isZero();
    }

    @Test
    void givesUpAfterMaxAttemptsAndDoesNotRetryAClientError() {
        receiver.stubFor(post(urlEqualTo("/hook")).willReturn(serverError()));
        receiver.stubFor(post(urlEqualTo("/rejects")).willReturn(aResponse().withStatus(403)));
        notifier = notifier(p -> p.setMaxAttempts(3), null);
        notifier.accept(failed("m4", MigrationError.ABORTED, "x"));
        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.undelivered() == 1);
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/hook")))).hasSize(3);
        assertThat(notifier.pending()).isZero();
        notifier.close();

        notifier = notifier(p -> p.setWebhookUrl(URI.create(receiver.baseUrl() + "/rejects")), null);
        notifier.accept(failed("m5", MigrationError.ABORTED, "x"));
        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.undelivered() == 1);
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/rejects")))).hasSize(1);
    }

    @Test
    void completionsAreNotifiedOnlyWhenAskedFor() {
        receiver.stubFor(post(urlEqualTo("/hook")).willReturn(ok()));
        notifier = notifier(p -> { }, MigrationPhase.CUT_OVER);
        notifier.accept(completed("m6"));
        notifier.accept(failed("m7", MigrationError.ABORTED, "x"));
        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.delivered() == 1);
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/hook")))).hasSize(1);
        notifier.close();

        notifier = notifier(p -> p.setOnCompletion(true), MigrationPhase.CUT_OVER);
        notifier.accept(completed("m8"));
        await().atMost(Duration.ofSeconds(5)).until(() -> notifier.delivered() == 1);
        LoggedRequest q = receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).get(1);
        assertThat(q.getHeader("X-RpcNet-Event")).isEqualTo("migration.completed");
        assertThat(q.getBodyAsString()).contains("\"outcome\":\"COMPLETED\"", "\"error\":null");
    }

    @Test
    void dropsWhatDoesNotFitTheQueueWithoutBlockingTheCaller() {
        receiver.stubFor(post(urlEqualTo("/hook")).willReturn(ok().withFixedDelay(3_000)));
        notifier = notifier(p -> {
            p.setQueueCapacity(1);
            p.setTimeout(Duration.ofSeconds(10));
        }, null);
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            notifier.accept(failed("d" + i, MigrationError.ABORTED, "x"));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(notifier.dropped()).isEqualTo(4);
        assertThat(notifier.pending()).isEqualTo(1);
    }

    private MigrationWebhookNotifier notifier(java.util.function.Consumer<RpcMigrationNotificationProperties> custom,
                                              MigrationPhase phase) {
        RpcMigrationNotificationProperties p = new RpcMigrationNotificationProperties();
        p.setWebhookUrl(URI.create(receiver.baseUrl() + "/hook"));
        p.setBackoff(Duration.ofMillis(10));
        custom.accept(p);
        RpcMigrationNotificationAutoConfiguration.check(p);
        return new MigrationWebhookNotifier(p, id -> Optional.of(view(id, phase)), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static MigrationView view(String id, MigrationPhase phase) {
        return new MigrationView(id, "s1", "w1", "w2", MigrationParty.OPERATOR, MigrationState.FAILED, phase, 0, 0,
                0, NOW, Duration.ZERO, NOW, null, "");
    }

    private static MigrationOutcome failed(String id, MigrationError error, String detail) {
        return new MigrationOutcome(id, "s1", "w1", "w2", MigrationParty.OPERATOR, "test", false,
                Optional.of(error), detail, Duration.ofNanos(120_500_000), Duration.ofNanos(60_250_000), 4096, 1, NOW);
    }

    private static MigrationOutcome completed(String id) {
        return new MigrationOutcome(id, "s1", "w1", "w2", MigrationParty.OPERATOR, "test", true, Optional.empty(),
                "", Duration.ofMillis(80), Duration.ofMillis(2), 4096, 2, NOW);
    }

    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
