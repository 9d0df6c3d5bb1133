package io.rpcnet.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rpcnet.boot.annotation.RpcService;
import io.rpcnet.boot.autoconfigure.actuate.RpcActuatorAutoConfiguration;
import io.rpcnet.boot.autoconfigure.actuate.RpcServerHealthIndicator;
import io.rpcnet.boot.autoconfigure.client.RpcClientAutoConfiguration;
import io.rpcnet.boot.autoconfigure.client.RpcClients;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyFailureAnalyzer;
import io.rpcnet.boot.autoconfigure.diagnostics.MissingServerTlsFailureAnalyzer;
import io.rpcnet.boot.autoconfigure.metrics.RpcMetricsAutoConfiguration;
import io.rpcnet.boot.autoconfigure.server.RpcServerAutoConfiguration;
import io.rpcnet.boot.autoconfigure.server.RpcServerLifecycle;
import io.rpcnet.boot.autoconfigure.tls.MissingServerTlsException;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.codec.JacksonCodec;
import io.rpcnet.codec.RawBytesCodec;
import io.rpcnet.codec.RpcCodec;
import io.rpcnet.server.ServerInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;

class RpcAutoConfigurationTest {

    interface Echo {
        String echo(String text);
    }

    @Configuration(proxyBeanMethods = false)
    static class ServiceConfig {
        @Bean
        @RpcService
        Echo echoService() {
            return text -> text;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomCodecConfig {
        @Bean
        RpcCodec customCodec() {
            return new RawBytesCodec();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class MeterRegistryConfig {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, RpcCodecAutoConfiguration.class,
                    RpcTlsAutoConfiguration.class, RpcServerAutoConfiguration.class, RpcClientAutoConfiguration.class,
                    RpcMetricsAutoConfiguration.class, RpcActuatorAutoConfiguration.class));

    private static final String[] TLS = {
            "spring.ssl.bundle.pem.srv.keystore.certificate=classpath:tls/server.pem",
            "spring.ssl.bundle.pem.srv.keystore.private-key=classpath:tls/server.key",
            "rpcnet.server.ssl.bundle=srv", "rpcnet.server.port=0", "rpcnet.server.address=127.0.0.1"};

    @Test
    void defaultsProvideEveryBeanAndNoServerWithoutServices() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(RpcCodec.class).getBean(RpcCodec.class).isInstanceOf(JacksonCodec.class);
            assertThat(context).hasSingleBean(RpcTlsFactory.class);
            assertThat(context).hasSingleBean(RpcServerLifecycle.class);
            assertThat(context).hasSingleBean(RpcClients.class);
            assertThat(context).hasBean("rpcServerExecutor");
            assertThat(context.getBean(RpcServerLifecycle.class).server()).isNull();
            assertThat(context).doesNotHaveBean(ServerInterceptor.class);
        });
    }

    @Test
    void servesServicesWithTlsFromAnSslBundleAndPublishesThePort() {
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues(TLS).run(context -> {
            assertThat(context).hasNotFailed();
            RpcServerLifecycle lifecycle = context.getBean(RpcServerLifecycle.class);
            assertThat(lifecycle.server()).isNotNull();
            assertThat(lifecycle.server().services()).containsKey("Echo");
            assertThat(context.getEnvironment().getProperty("local.rpcnet.server.port", Integer.class))
                    .isEqualTo(lifecycle.server().port());
            assertThat(context).hasSingleBean(RpcServerHealthIndicator.class);
        });
    }

    @Test
    void aRunningServerKeepsTheJvmAliveUntilItStops() {
        String name = "-keep-alive";
        java.util.function.Supplier<java.util.List<Thread>> keepAlive = () -> Thread.getAllStackTraces().keySet()
                .stream().filter(t -> t.getName().startsWith("rpcnet-server-") && t.getName().endsWith(name)
                        && t.isAlive()).toList();
        int[] port = new int[1];
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues(TLS).run(context -> {
            port[0] = context.getBean(RpcServerLifecycle.class).server().port();
            assertThat(keepAlive.get()).filteredOn(t -> t.getName().contains("-" + port[0] + "-"))
                    .singleElement().satisfies(t -> assertThat(t.isDaemon()).isFalse());
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> keepAlive.get()
                .stream().noneMatch(t -> t.getName().contains("-" + port[0] + "-")));
    }

    @Test
    void everyServerPropertyReachesTheServer() {
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues(TLS).withPropertyValues(
                "rpcnet.server.max-message-size=2MB", "rpcnet.server.max-concurrent-calls=17",
                "rpcnet.server.idle-timeout=45s", "rpcnet.server.keep-alive=7s",
                "rpcnet.server.shutdown.grace-period=3s", "rpcnet.server.io-threads=1").run(context -> {
                    assertThat(context).hasNotFailed();
                    io.rpcnet.server.RpcServer server = context.getBean(RpcServerLifecycle.class).server();
                    assertThat(server.localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
                    assertThat(server.settings().maxMessageSize()).isEqualTo(2 * 1024 * 1024);
                    assertThat(server.settings().maxConcurrentCalls()).isEqualTo(17);
                    assertThat(server.settings().idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(45));
                    assertThat(server.settings().keepAliveInterval()).isEqualTo(java.time.Duration.ofSeconds(7));
                    assertThat(server.shutdownGracePeriod()).isEqualTo(java.time.Duration.ofSeconds(3));
                    assertThat(server.settings().eventLoopThreads()).isEqualTo(1);
                });
    }

    @Test
    void targetDeadlinesOverrideTheClientDefault() {
        runner.withPropertyValues("rpcnet.client.default-deadline=4s",
                "rpcnet.client.targets.fast.address=localhost:1", "rpcnet.client.targets.fast.default-deadline=250ms",
                "rpcnet.client.targets.plain.address=localhost:2").run(context -> {
                    RpcClients clients = context.getBean(RpcClients.class);
                    assertThat(clients.deadline("fast")).isEqualTo(java.time.Duration.ofMillis(250));
                    assertThat(clients.deadline("plain")).isEqualTo(java.time.Duration.ofSeconds(4));
                });
    }

    @Test
    void callsAreObservedWhenAnObservationRegistryIsPresent() {
        java.util.List<String> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.micrometer.observation.ObservationRegistry registry = io.micrometer.observation.ObservationRegistry.create();
        registry.observationConfig().observationHandler(new io.micrometer.observation.ObservationHandler<>() {
            @Override
            public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(io.micrometer.observation.Observation.Context context) {
                observed.add(context.getName() + " " + context.getLowCardinalityKeyValue("rpc.status").getValue());
            }
        });
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, RpcCodecAutoConfiguration.class,
                        RpcTlsAutoConfiguration.class, RpcServerAutoConfiguration.class,
                        RpcClientAutoConfiguration.class,
                        io.rpcnet.boot.autoconfigure.metrics.RpcObservationAutoConfiguration.class))
                .withBean(io.micrometer.observation.ObservationRegistry.class, () -> registry)
                .withUserConfiguration(ServiceConfig.class).withPropertyValues(TLS)
                .withPropertyValues("spring.ssl.bundle.pem.cli.truststore.certificate=classpath:tls/ca.pem",
                        "rpcnet.client.ssl.bundle=cli",
                        "rpcnet.client.targets.self.address=localhost:${local.rpcnet.server.port}")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Echo echo = context.getBean(RpcClients.class).client("self").proxy(Echo.class);
                    assertThat(echo.echo("hi")).isEqualTo("hi");
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                            assertThat(observed).contains("rpcnet.server.call OK", "rpcnet.client.call OK"));
                });
    }

    @Test
    void servesServiceDefinitionBeansToo() {
        runner.withPropertyValues(TLS).withBean("echoDefinition",
                io.rpcnet.boot.autoconfigure.server.RpcServiceDefinition.class,
                () -> new io.rpcnet.boot.autoconfigure.server.RpcServiceDefinition<>(Echo.class, text -> text + "!"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(RpcServerLifecycle.class).server().services()).containsKey("Echo");
                });
    }

    @Test
    void serverCanBeSwitchedOff() {
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues("rpcnet.server.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(RpcServerLifecycle.class);
                    assertThat(context).doesNotHaveBean(RpcServerHealthIndicator.class);
                    assertThat(context).hasSingleBean(RpcClients.class);
                });
    }

    @Test
    void userBeansBackOffTheDefaults() {
        runner.withUserConfiguration(CustomCodecConfig.class).run(context ->
                assertThat(context.getBean(RpcCodec.class)).isInstanceOf(RawBytesCodec.class));
    }

    @Test
    void refusesToStartAServerWithoutTlsAndSaysWhatToConfigure() {
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues("rpcnet.server.port=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(MissingServerTlsException.class);
            FailureAnalysis analysis = new MissingServerTlsFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getAction()).contains("rpcnet.server.ssl.bundle").contains("self-signed");
        });
    }

    @Test
    void selfSignedSwitchStartsAServerForDevelopment() {
        runner.withUserConfiguration(ServiceConfig.class)
                .withPropertyValues("rpcnet.server.ssl.self-signed=true", "rpcnet.server.port=0",
                        "rpcnet.server.address=127.0.0.1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(RpcServerLifecycle.class).server().port()).isPositive();
                });
    }

    @Test
    void invalidPropertyValuesFailWithTheirName() {
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues(TLS)
                .withPropertyValues("rpcnet.server.max-message-size=-1B").run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new InvalidRpcPropertyFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("rpcnet.server.max-message-size");
                });
        runner.withPropertyValues("rpcnet.server.executor.threads=-3").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(InvalidRpcPropertyException.class)
                    .rootCause().hasMessageContaining("rpcnet.server.executor.threads");
        });
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues(TLS)
                .withPropertyValues("rpcnet.server.io-threads=-1").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(InvalidRpcPropertyException.class)
                            .rootCause().hasMessageContaining("rpcnet.server.io-threads");
                });
        runner.withPropertyValues("rpcnet.server.executor.type=turbo").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("rpcnet.server.executor.type");
        });
    }

    @Test
    void unreadableCertificateFailsStartup() {
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues(
                "spring.ssl.bundle.pem.srv.keystore.certificate=classpath:tls/missing.pem",
                "spring.ssl.bundle.pem.srv.keystore.private-key=classpath:tls/server.key",
                "rpcnet.server.ssl.bundle=srv", "rpcnet.server.port=0").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("missing.pem");
                });
    }

    @Test
    void boundedExecutorFollowsItsProperties() {
        runner.withPropertyValues("rpcnet.server.executor.type=bounded", "rpcnet.server.executor.threads=3",
                "rpcnet.server.executor.queue-capacity=7").run(context -> {
                    ExecutorService executor = context.getBean("rpcServerExecutor", ExecutorService.class);
                    assertThat(executor).isInstanceOf(ThreadPoolExecutor.class);
                    assertThat(((ThreadPoolExecutor) executor).getMaximumPoolSize()).isEqualTo(3);
                    assertThat(((ThreadPoolExecutor) executor).getQueue().remainingCapacity()).isEqualTo(7);
                });
    }

    @Test
    void metricsOnlyWithMicrometerPresent() {
        runner.withUserConfiguration(MeterRegistryConfig.class).run(context ->
                assertThat(context).hasBean("rpcServerMetricsInterceptor").hasBean("rpcClientMetricsInterceptor"));
        runner.withUserConfiguration(MeterRegistryConfig.class)
                .withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context ->
                        assertThat(context).doesNotHaveBean("rpcServerMetricsInterceptor"));
        runner.run(context -> assertThat(context).doesNotHaveBean("rpcServerMetricsInterceptor"));
    }

    @Test
    void shutdownMarksReadinessRefusingTrafficBeforeDraining() {
        java.util.List<Object> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues(TLS)
                .withBean("readinessProbe", org.springframework.context.ApplicationListener.class,
                        () -> (org.springframework.context.ApplicationListener<
                                org.springframework.boot.availability.AvailabilityChangeEvent<?>>) e -> states.add(e.getState()))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    RpcServerLifecycle lifecycle = context.getBean(RpcServerLifecycle.class);
                    assertThat(lifecycle.server()).isNotNull();
                    context.close();
                    assertThat(states).contains(org.springframework.boot.availability.ReadinessState.REFUSING_TRAFFIC);
                    assertThat(lifecycle.server()).isNull();
                });
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @io.rpcnet.boot.annotation.EnableRpcClients(clients = ExplicitClient.class)
    static class ExplicitClients {
    }

    @io.rpcnet.boot.annotation.RpcClient(target = "elsewhere")
    interface ExplicitClient {
        String hello(String name);
    }

    @Test
    void enableRpcClientsRegistersProxiesThatFailClearlyWithoutATargetAddress() {
        runner.withUserConfiguration(ExplicitClients.class).run(context -> {
            assertThat(context).hasNotFailed();
            ExplicitClient client = context.getBean(ExplicitClient.class);
            assertThat(client.toString()).contains("elsewhere");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.hello("x"))
                    .isInstanceOf(InvalidRpcPropertyException.class)
                    .hasMessageContaining("rpcnet.client.targets.elsewhere.address");
        });
    }

    @Test
    void healthIndicatorCanBeDisabled() {
        runner.withPropertyValues("management.health.rpcnet.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(RpcServerHealthIndicator.class));
    }
}
