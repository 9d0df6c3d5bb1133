package io.rpcnet.boot.autoconfigure.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.registry.WorkerRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RpcClusterAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RpcClusterAutoConfiguration.class,
                    RpcClusterActuatorAutoConfiguration.class,
                    org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration.class,
                    io.rpcnet.boot.autoconfigure.RpcCodecAutoConfiguration.class,
                    io.rpcnet.boot.autoconfigure.RpcTlsAutoConfiguration.class,
                    io.rpcnet.boot.autoconfigure.client.RpcClientAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=rpccluster");

    private static final String SECRET = "rpcnet.cluster.secret=0123456789abcdef0123456789abcdef";

    @Test
    void directorRefusesToStartWithoutASecretOrMutualTls() {
        runner.withPropertyValues("rpcnet.cluster.role=director").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("rpcnet.cluster.secret");
        });
        runner.withPropertyValues("rpcnet.cluster.role=director", "rpcnet.cluster.secret=short").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("at least 32 bytes")
                    .satisfies(e -> assertThat(org.assertj.core.util.Throwables.getStackTrace(e)).doesNotContain("short"));
        });
    }

    @Test
    void noClusterUnlessARoleIsSet() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(WorkerRegistry.class);
            assertThat(context).doesNotHaveBean(ClusterEndpoint.class);
        });
    }

    @Test
    void directorKeepsARegistryConfiguredFromProperties() {
        runner.withPropertyValues("rpcnet.cluster.role=director", SECRET, "rpcnet.cluster.load-balancing=least-connections",
                "rpcnet.cluster.failure-detector.threshold=10", "rpcnet.cluster.partition.fraction=0.7").run(context -> {
                    assertThat(context).hasNotFailed();
                    WorkerRegistry registry = context.getBean(WorkerRegistry.class);
                    assertThat(registry.strategyName()).isEqualTo("LEAST_CONNECTIONS");
                    assertThat(registry.config().detector().threshold()).isEqualTo(10.0);
                    assertThat(registry.config().partitionFraction()).isEqualTo(0.7);
                    io.rpcnet.cluster.client.ClusterClient client =
                            context.getBean(io.rpcnet.cluster.client.ClusterClient.class);
                    assertThat(client.workerRegistry()).isSameAs(registry);
                });
    }

    @Test
    void clusterClientSettingsComeFromProperties() {
        runner.withPropertyValues("rpcnet.cluster.role=director", SECRET, "rpcnet.cluster.client.max-attempts=5",
                "rpcnet.cluster.client.failure-rate-threshold=30", "rpcnet.cluster.client.max-concurrent-calls=9",
                "rpcnet.cluster.client.default-filter=role=worker").run(context -> {
                    io.rpcnet.cluster.client.ClusterClient client =
                            context.getBean(io.rpcnet.cluster.client.ClusterClient.class);
                    assertThat(client.retry().getRetryConfig().getMaxAttempts()).isEqualTo(5);
                    assertThat(client.circuitBreakerRegistry().getDefaultConfig().getFailureRateThreshold())
                            .isEqualTo(30f);
                    assertThat(client.bulkhead().getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(9);
                    assertThat(client.defaultFilter().toString()).isEqualTo("role=worker");
                });
        runner.withPropertyValues("rpcnet.cluster.role=director", SECRET, "rpcnet.cluster.client.max-attempts=0")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("rpcnet.cluster.client.max-attempts"));
    }

    @Test
    void endpointHealthAndMetricsDescribeTheMembers() {
        runner.withPropertyValues("rpcnet.cluster.role=director", SECRET)
                .withConfiguration(AutoConfigurations.of(
                        org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration.class,
                        org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration.class,
                        org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration.class))
                .run(context -> {
                    WorkerRegistry registry = context.getBean(WorkerRegistry.class);
                    ClusterHealthIndicator health = context.getBean(ClusterHealthIndicator.class);
                    assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);

                    long now = System.nanoTime();
                    registry.upsert(MemberUpdate.builder("worker-a", "127.0.0.1:7001")
                            .tags(Map.of("role", "worker", "label", "a")).incarnation(3).build(), now);
                    registry.upsert(MemberUpdate.builder("worker-b", "127.0.0.1:7002")
                            .tags(Map.of("role", "worker", "label", "b")).incarnation(1).build(), now);

                    ClusterEndpoint.ClusterDescriptor cluster = context.getBean(ClusterEndpoint.class).cluster();
                    assertThat(cluster.loadBalancing()).isEqualTo("ROUND_ROBIN");
                    assertThat(cluster.members()).extracting(ClusterEndpoint.MemberDescriptor::id)
                            .containsExactlyInAnyOrder("worker-a", "worker-b");
                    ClusterEndpoint.MemberDescriptor a = context.getBean(ClusterEndpoint.class).member("worker-a");
                    assertThat(a.status()).isEqualTo("ALIVE");
                    assertThat(a.incarnation()).isEqualTo(3);
                    assertThat(a.tags()).containsEntry("label", "a");

                    Health up = health.health(true);
                    assertThat(up.getStatus()).isEqualTo(Status.UP);
                    assertThat(up.getDetails()).containsEntry("alive", 2);

                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    assertThat(meters.get("rpcnet.cluster.members").tag("status", "alive").gauge().value()).isEqualTo(2.0);
                    assertThat(meters.get("rpcnet.cluster.members").tag("status", "failed").gauge().value()).isZero();
                    assertThat(meters.get("rpcnet.cluster.failures").counter().count()).isZero();
                });
    }
}
