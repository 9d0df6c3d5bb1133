package io.rpcnet.boot.autoconfigure.migration.actuate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rpcnet.boot.autoconfigure.InvalidPropertyFailure;
import io.rpcnet.boot.autoconfigure.RpcCodecAutoConfiguration;
import io.rpcnet.boot.autoconfigure.RpcTlsAutoConfiguration;
import io.rpcnet.boot.autoconfigure.client.RpcClientAutoConfiguration;
import io.rpcnet.boot.autoconfigure.cluster.RpcClusterAutoConfiguration;
import io.rpcnet.boot.autoconfigure.director.RpcDirectorGatewayAutoConfiguration;
import io.rpcnet.boot.autoconfigure.migration.RpcMigrationDirectorAutoConfiguration;
import io.rpcnet.boot.autoconfigure.migration.RpcMigrationWorkerAutoConfiguration;
import io.rpcnet.boot.autoconfigure.migration.notification.MigrationWebhookNotifier;
import io.rpcnet.boot.autoconfigure.migration.notification.RpcMigrationNotificationAutoConfiguration;
import io.rpcnet.boot.autoconfigure.server.RpcServerAutoConfiguration;
import io.rpcnet.boot.autoconfigure.session.RpcSessionAutoConfiguration;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.migration.coordinator.MigrationService;
import io.rpcnet.session.SessionManager;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which migration Actuator beans each role gets, what turns them off, and checked properties. */
class RpcMigrationActuatorAutoConfigurationTest {

    private static final String SECRET = "rpcnet.cluster.secret=0123456789abcdef0123456789abcdef";
    private static final String DIRECTOR = "rpcnet.cluster.role=director";
    private static final String EXPOSE = "management.endpoints.web.exposure.include=migration";
    private static final String[] WORKER = {"rpcnet.cluster.role=worker", "rpcnet.cluster.member-id=w1",
            "rpcnet.cluster.seeds=localhost:9"};

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, RpcCodecAutoConfiguration.class,
                    RpcTlsAutoConfiguration.class, RpcServerAutoConfiguration.class, RpcClientAutoConfiguration.class,
                    RpcClusterAutoConfiguration.class, RpcSessionAutoConfiguration.class,
                    RpcMigrationWorkerAutoConfiguration.class, RpcDirectorGatewayAutoConfiguration.class,
                    RpcMigrationDirectorAutoConfiguration.class, RpcMigrationActuatorAutoConfiguration.class,
                    RpcMigrationNotificationAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("spring.ssl.bundle.pem.node.keystore.certificate=classpath:tls/server.pem",
                    "spring.ssl.bundle.pem.node.keystore.private-key=classpath:tls/server.key",
                    "spring.ssl.bundle.pem.trust.truststore.certificate=classpath:tls/ca.pem",
                    "rpcnet.server.ssl.bundle=node", "rpcnet.client.ssl.bundle=trust", "rpcnet.server.port=0",
                    "rpcnet.server.address=127.0.0.1", "rpcnet.director.gateway.port=0",
                    "rpcnet.server.shutdown.grace-period=0s", SECRET);

    /** A user's own endpoint and clock. */
    static final class UserBeans {
        static final Clock CLOCK = Clock.systemUTC();

        @Bean
        MigrationEndpoint myMigrationEndpoint(MigrationService migrations) {
            return new MigrationEndpoint(migrations, CLOCK);
        }

        @Bean
        Clock clock() {
            return CLOCK;
        }
    }

    @Test
    void aDirectorGetsTheEndpointHealthAndMetrics() {
        runner.withPropertyValues(DIRECTOR, EXPOSE).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(MigrationEndpoint.class)
                    .hasSingleBean(MigrationEndpointWebExtension.class).hasSingleBean(MigrationHealthIndicator.class)
                    .hasSingleBean(MigrationMetrics.class).hasBean("rpcSessionsMeterBinder")
                    .doesNotHaveBean(MigrationWebhookNotifier.class); // no webhook-url
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            context.getBean(MigrationMetrics.class).bindTo(meters);
            assertThat(meters.get("rpcnet.migration.active").gauge().value()).isZero();
            assertThat(context.getBean(MigrationEndpoint.class).summary().activeCount()).isZero();
        });
    }

    @Test
    void healthIsOutOfServiceWhileTheClusterSuspectsAPartition() {
        runner.withPropertyValues(DIRECTOR).run(context -> {
            assertThat(context.getBean(MigrationHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
            // a registry of its own (the director's would have its coordinator dial the made-up workers)
            WorkerRegistry registry = new WorkerRegistry();
            MigrationHealthIndicator health = new MigrationHealthIndicator(context.getBean(MigrationService.class),
                    registry, Duration.ofSeconds(40), new RpcMigrationHealthProperties(), Clock.systemUTC());
            long now = System.nanoTime();
            for (int beat = 0; beat < 5; beat++) { // three workers heard from every 100 ms...
                for (int i = 1; i <= 3; i++) {
                    registry.upsert(new MemberUpdate(MemberId.of("x" + i), "127.0.0.1:" + (20000 + i), Map.of(), 1, 1,
                            MemberLoad.ZERO), now + beat * 100_000_000L);
                }
            }
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            registry.evaluate(now + Duration.ofMinutes(1).toNanos()); // ...then all silent at once
            assertThat(registry.isPartitioned()).isTrue();
            Health h = health.health(true);
            assertThat(h.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(h.getDetails()).containsEntry("partitioned", true).containsEntry("active", 0)
                    .containsEntry("reason", "partition suspected: migrations are unreliable");
        });
    }

    @Test
    void theEndpointNeedsExposureAndTheHealthIndicatorCanBeTurnedOff() {
        runner.withPropertyValues(DIRECTOR, "management.health.migration.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(MigrationEndpoint.class)
                        .doesNotHaveBean(MigrationEndpointWebExtension.class)
                        .doesNotHaveBean(MigrationHealthIndicator.class).hasSingleBean(MigrationMetrics.class));
        runner.withPropertyValues(DIRECTOR, EXPOSE, "management.endpoint.migration.access=NONE").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(MigrationEndpoint.class));
    }

    @Test
    void userBeansWin() {
        runner.withUserConfiguration(UserBeans.class).withPropertyValues(DIRECTOR, EXPOSE).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(MigrationEndpoint.class)
                    .hasBean("myMigrationEndpoint");
            assertThat(context.getBean(MigrationHealthIndicator.class)).extracting("clock")
                    .isSameAs(UserBeans.CLOCK);
        });
    }

    @Test
    void aWorkerGetsOnlyItsSessionsGauge() {
        runner.withPropertyValues(WORKER).withPropertyValues(EXPOSE,
                "rpcnet.migration.notifications.webhook-url=http://127.0.0.1:9/hook").run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(MigrationEndpoint.class)
                            .doesNotHaveBean(MigrationHealthIndicator.class).doesNotHaveBean(MigrationMetrics.class)
                            .doesNotHaveBean(MigrationWebhookNotifier.class).hasBean("rpcSessionsMeterBinder");
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    context.getBean("rpcSessionsMeterBinder",
                            io.micrometer.core.instrument.binder.MeterBinder.class).bindTo(meters);
                    context.getBean(SessionManager.class).create();
                    assertThat(meters.get("rpcnet.sessions.active").gauge().value()).isEqualTo(1);
                });
    }

    @Test
    void noRoleNothing() {
        runner.withPropertyValues(EXPOSE).run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(MigrationEndpoint.class).doesNotHaveBean(MigrationHealthIndicator.class)
                .doesNotHaveBean(MigrationMetrics.class).doesNotHaveBean("rpcSessionsMeterBinder"));
    }

    @Test
    void aWebhookUrlTurnsNotificationsOnWithItsSettings() {
        runner.withPropertyValues(DIRECTOR, "rpcnet.migration.notifications.webhook-url=https://hooks.example/x",
                "rpcnet.migration.notifications.secret=s3cret").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MigrationWebhookNotifier.class);
                    assertThat(context.getBean(MigrationWebhookNotifier.class)).extracting("timeout", "maxAttempts",
                            "backoff", "queueCapacity", "onCompletion")
                            .containsExactly(Duration.ofSeconds(2), 3, Duration.ofMillis(200), 100, false);
                });
    }

    @Test
    void badSettingsNameTheirPropertyAndHideSecrets() {
        String url = "rpcnet.migration.notifications.webhook-url=";
        expectInvalid("rpcnet.migration.notifications.webhook-url", url + "ftp://hooks.example/p?token=abc");
        runner.withPropertyValues(DIRECTOR, url + "ftp://hooks.example/p?token=abc",
                "rpcnet.migration.notifications.secret=s3cret").run(context ->
                assertThat(InvalidPropertyFailure.of(context).getMessage()).contains("ftp://hooks.example/(hidden)")
                        .doesNotContain("token").doesNotContain("s3cret"));
        expectInvalid("rpcnet.migration.notifications.timeout", url + "http://h/x",
                "rpcnet.migration.notifications.timeout=0s");
        expectInvalid("rpcnet.migration.notifications.max-attempts", url + "http://h/x",
                "rpcnet.migration.notifications.max-attempts=0");
        expectInvalid("rpcnet.migration.notifications.queue-capacity", url + "http://h/x",
                "rpcnet.migration.notifications.queue-capacity=0");
        expectInvalid("rpcnet.migration.notifications.backoff", url + "http://h/x",
                "rpcnet.migration.notifications.backoff=-1s");
        expectInvalid("rpcnet.migration.health.failure-rate-threshold",
                "rpcnet.migration.health.failure-rate-threshold=1.5");
        expectInvalid("rpcnet.migration.health.window", "rpcnet.migration.health.window=0s");
        expectInvalid("rpcnet.migration.health.min-migrations", "rpcnet.migration.health.min-migrations=0");
        expectInvalid("rpcnet.migration.health.stuck-margin", "rpcnet.migration.health.stuck-margin=-1s");
    }

    private void expectInvalid(String property, String... settings) {
        runner.withPropertyValues(DIRECTOR).withPropertyValues(settings)
                .run(context -> assertThat(InvalidPropertyFailure.of(context).property()).isEqualTo(property));
    }
}
