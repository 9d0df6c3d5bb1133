package io.rpcnet.boot.autoconfigure.migration;

import io.rpcnet.boot.annotation.RpcService;
import io.rpcnet.boot.autoconfigure.InvalidPropertyFailure;
import io.rpcnet.boot.autoconfigure.RpcCodecAutoConfiguration;
import io.rpcnet.boot.autoconfigure.RpcTlsAutoConfiguration;
import io.rpcnet.boot.autoconfigure.client.RpcClientAutoConfiguration;
import io.rpcnet.boot.autoconfigure.cluster.ClusterWorkerLifecycle;
import io.rpcnet.boot.autoconfigure.cluster.RpcClusterAutoConfiguration;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyFailureAnalyzer;
import io.rpcnet.boot.autoconfigure.director.DirectorGatewayLifecycle;
import io.rpcnet.boot.autoconfigure.director.RpcDirectorGatewayAutoConfiguration;
import io.rpcnet.boot.autoconfigure.server.RpcServerAutoConfiguration;
import io.rpcnet.boot.autoconfigure.server.RpcServerLifecycle;
import io.rpcnet.boot.autoconfigure.session.RpcSessionAutoConfiguration;
import io.rpcnet.boot.autoconfigure.session.SessionSweeper;
import io.rpcnet.cluster.membership.DrainHandler;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.migration.coordinator.MigrationCoordinator;
import io.rpcnet.migration.coordinator.MigrationService;
import io.rpcnet.migration.coordinator.MigrationSettings;
import io.rpcnet.migration.participant.MigrationParticipant;
import io.rpcnet.migration.serialization.Compression;
import io.rpcnet.migration.serialization.SerializationConfig;
import io.rpcnet.migration.serialization.SerializationService;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.MigrationStateHandler;
import io.rpcnet.migration.snapshot.StateHandlers;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.migration.token.TokenConfig;
import io.rpcnet.migration.transfer.SnapshotTransfer;
import io.rpcnet.migration.wire.MigrationProtocol;
import io.rpcnet.session.SessionManager;
import io.rpcnet.transport.TransportSettings;
import org.assertj.core.util.Throwables;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Which live-migration beans each cluster role gets, how properties reach them, and the key handling. */
class RpcMigrationAutoConfigurationTest {

    private static final String SECRET = "rpcnet.cluster.secret=0123456789abcdef0123456789abcdef";
    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // 32 bytes
    private static final String[] WORKER = {"rpcnet.cluster.role=worker", "rpcnet.cluster.member-id=w1",
            "rpcnet.cluster.seeds=localhost:9"};

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, RpcCodecAutoConfiguration.class,
                    RpcTlsAutoConfiguration.class, RpcServerAutoConfiguration.class, RpcClientAutoConfiguration.class,
                    RpcClusterAutoConfiguration.class, RpcSessionAutoConfiguration.class,
                    RpcMigrationWorkerAutoConfiguration.class, RpcDirectorGatewayAutoConfiguration.class,
                    RpcMigrationDirectorAutoConfiguration.class))
            .withPropertyValues("spring.ssl.bundle.pem.node.keystore.certificate=classpath:tls/server.pem",
                    "spring.ssl.bundle.pem.node.keystore.private-key=classpath:tls/server.key",
                    "spring.ssl.bundle.pem.trust.truststore.certificate=classpath:tls/ca.pem",
                    "rpcnet.server.ssl.bundle=node", "rpcnet.client.ssl.bundle=trust", "rpcnet.server.port=0",
                    "rpcnet.server.address=127.0.0.1", "rpcnet.director.gateway.port=0",
                    "rpcnet.server.shutdown.grace-period=0s");

    /** A user's state handler, moved with sessions. */
    static final class CartHandler implements MigrationStateHandler {
        @Override
        public String name() {
            return "cart";
        }

        @Override
        public byte[] capture(String sessionId) {
            return null;
        }

        @Override
        public void restore(String sessionId, Bytes state) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HandlerConfig {
        @Bean
        CartHandler cartHandler() {
            return new CartHandler();
        }
    }

    /** Something to serve. */
    interface Ping {
        String ping();
    }

    @Configuration(proxyBeanMethods = false)
    static class ServiceConfig {
        @Bean
        @RpcService
        Ping ping() {
            return () -> "pong";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBeans {
        @Bean
        SessionManager mySessions() {
            return SessionManager.builder("mine").build();
        }

        @Bean
        StateHandlers myHandlers() {
            return StateHandlers.none();
        }

        @Bean
        MigrationKeys myKeys() {
            return MigrationKeys.forWorker(keys(KEY, KEY), null);
        }
    }

    @Test
    void aWorkerServesSessionsAndTheMigrationParticipant() {
        runner.withUserConfiguration(HandlerConfig.class).withPropertyValues(WORKER).withPropertyValues(SECRET,
                "rpcnet.session.idle-timeout=100ms", "rpcnet.session.sweep-interval=50ms").run(context -> {
                    assertThat(context).hasNotFailed();
                    SessionManager sessions = context.getBean(SessionManager.class);
                    assertThat(sessions.workerId()).isEqualTo("w1");
                    assertThat(context.getBean(StateHandlers.class).handlers()).singleElement()
                            .isInstanceOf(CartHandler.class);
                    assertThat(context).hasSingleBean(MigrationParticipant.class).hasSingleBean(SnapshotTransfer.class)
                            .hasSingleBean(MigrationTokenManager.class).hasSingleBean(SessionSweeper.class)
                            .doesNotHaveBean(DirectorGateway.class).doesNotHaveBean(MigrationService.class);
                    var server = context.getBean(RpcServerLifecycle.class).server();
                    assertThat(server.sessions()).isSameAs(sessions);
                    assertThat(server.services()).containsKey("RpcNetMigration");
                    assertThat(context.getBean(ClusterWorkerLifecycle.class).drainTimeout())
                            .isEqualTo(Duration.ofMinutes(5));
                    assertThat(context.getBean(MigrationKeys.class).hasEncryption()).isTrue();
                    sessions.create(); // idle from now on: the sweeper closes it
                    await().atMost(Duration.ofSeconds(5)).until(() -> sessions.activeSessions() == 0);
                    assertThat(sessions.stats().expired()).isEqualTo(1);
                });
    }

    @Test
    void aWorkerBacksOffForItsOwnBeans() {
        runner.withUserConfiguration(UserBeans.class).withPropertyValues(WORKER)
                .withPropertyValues("rpcnet.migration.drain-on-shutdown=false").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(SessionManager.class)
                            .hasSingleBean(StateHandlers.class).hasSingleBean(MigrationKeys.class);
                    SessionManager mine = context.getBean(SessionManager.class);
                    assertThat(mine.workerId()).isEqualTo("mine");
                    assertThat(context.getBean(RpcServerLifecycle.class).server().sessions()).isSameAs(mine);
                    assertThat(context.getBean(MigrationParticipant.class)).extracting("source.ctx.sessions")
                            .isSameAs(mine);
                    assertThat(context.getBean(ClusterWorkerLifecycle.class).drainTimeout()).isNull();
                });
    }

    @Test
    void sessionsOffMeansNoMigrationOnTheWorker() {
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues(WORKER)
                .withPropertyValues("rpcnet.session.enabled=false").run(context -> {
                    assertThat(context).doesNotHaveBean(SessionManager.class)
                            .doesNotHaveBean(MigrationParticipant.class).doesNotHaveBean(SessionSweeper.class);
                    assertThat(context.getBean(ClusterWorkerLifecycle.class).drainTimeout()).isNull();
                });
    }

    @Test
    void aDirectorRunsTheGatewayAndTheMigrationService() {
        runner.withPropertyValues("rpcnet.cluster.role=director", SECRET).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(SessionManager.class)
                    .doesNotHaveBean(MigrationParticipant.class);
            DirectorGateway gateway = context.getBean(DirectorGateway.class);
            assertThat(context.getBean(DirectorGatewayLifecycle.class).isRunning()).isTrue();
            assertThat(gateway.port()).isPositive();
            assertThat(context.getEnvironment().getProperty(DirectorGatewayLifecycle.LOCAL_PORT_PROPERTY,
                    Integer.class)).isEqualTo(gateway.port());
            assertThat(context.getBean(MigrationService.class)).isInstanceOf(MigrationCoordinator.class);
            assertThat(context.getBean(DrainHandler.class)).isInstanceOf(MigrationDrainHandler.class);
            assertThat(context.getBean(io.rpcnet.cluster.membership.DirectorMembership.class))
                    .extracting("drains.handler").isSameAs(context.getBean(DrainHandler.class));
            assertThat(context.getBean(MigrationKeys.class).hasEncryption()).isFalse(); // relays, never reads
        });
        runner.withPropertyValues("rpcnet.cluster.role=director", SECRET, "rpcnet.director.gateway.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DirectorGateway.class)
                        .doesNotHaveBean(MigrationService.class));
    }

    @Test
    void noRoleNoMigration() {
        runner.withPropertyValues(SECRET).run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(SessionManager.class).doesNotHaveBean(MigrationParticipant.class)
                .doesNotHaveBean(StateHandlers.class).doesNotHaveBean(MigrationKeys.class)
                .doesNotHaveBean(DirectorGateway.class).doesNotHaveBean(MigrationService.class));
    }

    @Test
    void workerPropertiesReachTheCoreObjects() {
        runner.withPropertyValues(WORKER).withPropertyValues(SECRET, "rpcnet.session.idle-timeout=7m",
                "rpcnet.session.max-change-log=11", "rpcnet.session.max-cached-responses=12",
                "rpcnet.session.moved-grace=13s", "rpcnet.session.max-moved-sessions=14",
                "rpcnet.session.sweep-interval=15s", "rpcnet.migration.compression=gzip",
                "rpcnet.migration.compression-level=6", "rpcnet.migration.chunk-size=64KB",
                "rpcnet.migration.max-state-size=8MB", "rpcnet.migration.key-id=k7",
                "rpcnet.migration.token.ttl=90s", "rpcnet.migration.token.rate-per-second=5",
                "rpcnet.migration.token.burst=6", "rpcnet.migration.frozen-timeout=3s",
                "rpcnet.migration.stale-timeout=4m", "rpcnet.migration.drain-timeout=2m").run(context -> {
                    assertThat(context).hasNotFailed();
                    SessionManager sessions = context.getBean(SessionManager.class);
                    assertThat(sessions).extracting("settings.idleTimeout").isEqualTo(Duration.ofMinutes(7));
                    assertThat(sessions).extracting("settings.maxChangeLog").isEqualTo(11);
                    assertThat(sessions).extracting("settings.maxCachedResponses").isEqualTo(12);
                    assertThat(sessions).extracting("moved.graceMillis").isEqualTo(13_000L);
                    assertThat(sessions).extracting("moved.maxEntries").isEqualTo(14);
                    assertThat(context.getBean(SessionSweeper.class).interval()).isEqualTo(Duration.ofSeconds(15));
                    SerializationConfig serialization = context.getBean(SerializationService.class).config();
                    assertThat(serialization.compression()).isEqualTo(Compression.GZIP);
                    assertThat(serialization.level()).isEqualTo(6);
                    assertThat(serialization.chunkSize()).isEqualTo(64 * 1024);
                    assertThat(serialization.maxSnapshotBytes()).isEqualTo(8L * 1024 * 1024);
                    MigrationKeys keys = context.getBean(MigrationKeys.class);
                    assertThat(keys.encryption().active().id()).isEqualTo("k7");
                    assertThat(keys.tokens().active().id()).isEqualTo("k7");
                    TokenConfig tokens = context.getBean(MigrationTokenManager.class).config();
                    assertThat(tokens.ttl()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(tokens.ratePerSecond()).isEqualTo(5.0);
                    assertThat(tokens.burst()).isEqualTo(6);
                    MigrationParticipant participant = context.getBean(MigrationParticipant.class);
                    assertThat(participant).extracting("frozenTimeout").isEqualTo(Duration.ofSeconds(3));
                    assertThat(participant).extracting("staleTimeout").isEqualTo(Duration.ofMinutes(4));
                    assertThat(context.getBean(ClusterWorkerLifecycle.class).drainTimeout())
                            .isEqualTo(Duration.ofMinutes(2));
                });
    }

    @Test
    void directorPropertiesReachTheCoreObjects() {
        runner.withPropertyValues("rpcnet.cluster.role=director", SECRET, "rpcnet.migration.pause-budget=70ms",
                "rpcnet.migration.max-concurrent=3", "rpcnet.migration.timeout=40s",
                "rpcnet.migration.step-timeout=6s", "rpcnet.migration.catch-up-lag=20",
                "rpcnet.migration.catch-up-max-rounds=9", "rpcnet.migration.max-base-copies=4",
                "rpcnet.migration.drain-rounds=5", "rpcnet.migration.drain-timeout=7m",
                "rpcnet.migration.drain-interrupts-streams=false", "rpcnet.migration.token.ttl=2m", "rpcnet.director.gateway.bind-address=127.0.0.1",
                "rpcnet.director.gateway.max-message-size=2MB", "rpcnet.director.gateway.idle-timeout=33s",
                "rpcnet.director.gateway.keep-alive=7s", "rpcnet.director.gateway.io-threads=3").run(context -> {
                    assertThat(context).hasNotFailed();
                    MigrationSettings s = context.getBean(MigrationCoordinator.class).settings();
                    assertThat(s).isEqualTo(MigrationSettings.builder().pauseBudget(Duration.ofMillis(70))
                            .maxConcurrent(3).timeout(Duration.ofSeconds(40)).stepTimeout(Duration.ofSeconds(6))
                            .catchUpLag(20).catchUpMaxRounds(9).maxBaseCopies(4).drainRounds(5)
                            .drainTimeout(Duration.ofMinutes(7)).interruptStreamsOnDrain(false).build());
                    assertThat(context.getBean(MigrationTokenManager.class).config().ttl())
                            .isEqualTo(Duration.ofMinutes(2));
                    DirectorGateway gateway = context.getBean(DirectorGateway.class);
                    assertThat(gateway.localAddress().getAddress().isLoopbackAddress()).isTrue();
                    assertThat(gateway).extracting("config.settings").isInstanceOfSatisfying(TransportSettings.class,
                            t -> {
                                assertThat(t.maxMessageSize()).isEqualTo(2 * 1024 * 1024);
                                assertThat(t.idleTimeout()).isEqualTo(Duration.ofSeconds(33));
                                assertThat(t.keepAliveInterval()).isEqualTo(Duration.ofSeconds(7));
                                assertThat(t.eventLoopThreads()).isEqualTo(3);
                            });
                    assertThat(gateway).extracting("config.bindAddress")
                            .isEqualTo(new InetSocketAddress("127.0.0.1", 0));
                });
    }

    @Test
    void keysDerivedFromTheSecretAgreeAcrossNodesWithTheSameSecret() {
        AtomicReference<MigrationKeys> first = new AtomicReference<>();
        runner.withPropertyValues(WORKER).withPropertyValues(SECRET)
                .run(context -> first.set(context.getBean(MigrationKeys.class)));
        runner.withPropertyValues(WORKER).withPropertyValues(SECRET).run(context -> {
            MigrationKeys second = context.getBean(MigrationKeys.class);
            assertThat(material(second.encryption())).isEqualTo(material(first.get().encryption()));
            assertThat(material(second.tokens())).isEqualTo(material(first.get().tokens()));
            assertThat(material(second.tokens())).isNotEqualTo(material(second.encryption()));
            assertThat(second.toString()).doesNotContain(material(second.tokens()));
        });
        runner.withPropertyValues("rpcnet.cluster.role=director", SECRET).run(context ->
                assertThat(material(context.getBean(MigrationKeys.class).tokens()))
                        .isEqualTo(material(first.get().tokens())));
        runner.withPropertyValues("rpcnet.cluster.role=director",
                "rpcnet.cluster.secret=another-secret-of-at-least-32-bytes").run(context ->
                assertThat(material(context.getBean(MigrationKeys.class).tokens()))
                        .isNotEqualTo(material(first.get().tokens())));
        assertThat(material(MigrationKeys.forWorker(new RpcMigrationProperties(),
                "another-secret-of-at-least-32-bytes").encryption()))
                .isNotEqualTo(material(first.get().encryption()));
        runner.withPropertyValues("rpcnet.cluster.role=director", SECRET, "rpcnet.migration.token-key=" + KEY)
                .run(context -> { // a configured key wins over derivation
                    MigrationKeys given = context.getBean(MigrationKeys.class);
                    assertThat(material(given.tokens())).isEqualTo(KEY);
                    assertThat(given.toString()).doesNotContain(KEY).contains("k1");
                });
    }

    @Test
    void withoutAKeyOrASecretStartupFailsSayingWhatToSet() {
        for (String role : new String[]{"worker", "director"}) {
            runner.withPropertyValues(WORKER).withPropertyValues("rpcnet.cluster.role=" + role,
                    "rpcnet.server.ssl.client-auth=true", "spring.ssl.bundle.pem.node.truststore.certificate="
                            + "classpath:tls/ca.pem").run(context -> {
                                assertThat(context).hasFailed();
                                InvalidRpcPropertyException e = InvalidPropertyFailure.of(context);
                                assertThat(e.property()).startsWith("rpcnet.migration.");
                                assertThat(e.reason()).contains("rpcnet.cluster.secret");
                                FailureAnalysis analysis = new InvalidRpcPropertyFailureAnalyzer()
                                        .analyze(context.getStartupFailure());
                                assertThat(analysis.getDescription()).contains("rpcnet.migration.")
                                        .contains("32-byte key");
                                assertThat(analysis.getAction()).contains(e.property());
                            });
        }
    }

    @Test
    void anUnusableKeyNamesThePropertyAndNeverTheValue() {
        String notBase64 = "not base64 at all!";
        runner.withPropertyValues(WORKER).withPropertyValues(SECRET, "rpcnet.migration.encryption-key=" + notBase64)
                .run(context -> {
                    InvalidRpcPropertyException e = InvalidPropertyFailure.of(context);
                    assertThat(e.property()).isEqualTo("rpcnet.migration.encryption-key");
                    assertThat(e.reason()).contains("base64");
                    assertThat(Throwables.getStackTrace(context.getStartupFailure())).doesNotContain(notBase64);
                });
        String short16 = "AAECAwQFBgcICQoLDA0ODw==";
        runner.withPropertyValues(WORKER).withPropertyValues(SECRET, "rpcnet.migration.token-key=" + short16)
                .run(context -> {
                    InvalidRpcPropertyException e = InvalidPropertyFailure.of(context);
                    assertThat(e.property()).isEqualTo("rpcnet.migration.token-key");
                    assertThat(e.reason()).contains("16 bytes").contains("32");
                    assertThat(Throwables.getStackTrace(context.getStartupFailure())).doesNotContain(short16);
                });
        runner.withPropertyValues(WORKER).withPropertyValues("rpcnet.cluster.secret=too-short")
                .run(context -> {
                    assertThat(InvalidPropertyFailure.of(context).property()).isEqualTo("rpcnet.cluster.secret");
                    assertThat(Throwables.getStackTrace(context.getStartupFailure())).doesNotContain("too-short");
                });
    }

    @Test
    void outOfRangeValuesNameTheirProperty() {
        expectInvalid("rpcnet.session.sweep-interval", "rpcnet.session.sweep-interval=0s");
        expectInvalid("rpcnet.session.max-change-log", "rpcnet.session.max-change-log=-1");
        expectInvalid("rpcnet.migration.chunk-size", "rpcnet.migration.chunk-size=100B");
        expectInvalid("rpcnet.migration.compression-level", "rpcnet.migration.compression-level=30");
        expectInvalid("rpcnet.migration.key-id", "rpcnet.migration.key-id=no spaces");
        expectInvalid("rpcnet.migration.drain-timeout", "rpcnet.migration.drain-timeout=11m");
        expectInvalid("rpcnet.migration.token.burst", "rpcnet.migration.token.burst=0");
        runner.withPropertyValues("rpcnet.cluster.role=director", SECRET, "rpcnet.migration.max-concurrent=0")
                .run(context -> assertThat(InvalidPropertyFailure.of(context).property())
                        .isEqualTo("rpcnet.migration.max-concurrent"));
    }

    private void expectInvalid(String property, String setting) {
        runner.withPropertyValues(WORKER).withPropertyValues(SECRET, setting)
                .run(context -> assertThat(InvalidPropertyFailure.of(context).property()).isEqualTo(property));
    }

    private static RpcMigrationProperties keys(String encryption, String token) {
        RpcMigrationProperties p = new RpcMigrationProperties();
        p.setEncryptionKey(encryption);
        p.setTokenKey(token);
        return p;
    }

    private static String material(io.rpcnet.migration.crypto.KeyRing ring) {
        return ring.active().exportBase64();
    }
}
