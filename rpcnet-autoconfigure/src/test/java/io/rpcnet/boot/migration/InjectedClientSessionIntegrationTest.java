package io.rpcnet.boot.migration;

import io.rpcnet.boot.sessionclient.GatewayCounter;
import io.rpcnet.boot.sessionclient.SessionClientApp;
import io.rpcnet.client.RpcProxies;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.protocol.RpcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An application's injected {@code @RpcClient} proxy is shared and has no session; {@link RpcProxies#withSession}
 * binds copies of it to sessions, which keep working when their session moves. A director, two workers and the
 * client application are four Spring contexts on loopback.
 */
class InjectedClientSessionIntegrationTest {

    private final MigrationCluster cluster = new MigrationCluster();
    private ConfigurableApplicationContext clientApp;

    @AfterEach
    void stop() {
        if (clientApp != null) {
            clientApp.close();
        }
        cluster.close();
    }

    @Test
    void proxiesDerivedFromTheInjectedOneCarryTheirSessionAcrossAMove() throws Exception {
        cluster.director(false, List.of()).worker("w1", List.of()).worker("w2", List.of()).awaitWorkers(2);
        clientApp = new SpringApplicationBuilder(SessionClientApp.class).web(WebApplicationType.NONE).properties(
                "spring.ssl.bundle.pem.trust.truststore.certificate=classpath:tls/ca.pem",
                "rpcnet.client.ssl.bundle=trust", "rpcnet.server.enabled=false", "spring.main.banner-mode=off",
                "rpcnet.client.targets.gateway.address=localhost:" + cluster.gatewayPort(),
                "rpcnet.client.default-deadline=10s").run();
        GatewayCounter shared = clientApp.getBean(GatewayCounter.class);

        String a = shared.open();
        String b = shared.open();
        GatewayCounter inA = RpcProxies.withSession(shared, a);
        GatewayCounter inB = RpcProxies.withSession(shared, b);
        assertThat(inA.increment()).isEqualTo(1);
        assertThat(inA.increment()).isEqualTo(2);
        assertThat(inB.increment()).isEqualTo(1);
        assertThat(inA.increment()).isEqualTo(3);

        // the injected proxy itself is unchanged: a call needing a session says how to send one
        assertThatThrownBy(shared::increment).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.getMessage()).contains("this call has no session").contains("RpcProxies.withSession"));
        assertThatThrownBy(() -> RpcProxies.withoutSession(inA).increment()).isInstanceOf(RpcException.class);

        String from = inA.worker();
        MigrationOutcome moved = cluster.migrations().migrate(a, null, MigrationParty.OPERATOR, "test").outcome()
                .get(20, TimeUnit.SECONDS);
        assertThat(moved.completed()).as(moved.toString()).isTrue();
        assertThat(inA.worker()).isEqualTo(moved.target()).isNotEqualTo(from);
        assertThat(inA.increment()).isEqualTo(4);
        assertThat(inB.increment()).isEqualTo(2);
        // a proxy derived from a derived one replaces its session
        assertThat(RpcProxies.withSession(inA, b).increment()).isEqualTo(3);
    }
}
