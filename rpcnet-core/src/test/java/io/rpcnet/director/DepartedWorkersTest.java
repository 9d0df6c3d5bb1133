package io.rpcnet.director;

import io.rpcnet.client.CallOptions;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.RpcName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

import static io.rpcnet.director.GatewayFixture.W1;
import static io.rpcnet.director.GatewayFixture.W2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A worker that crashed (FAILED) or left takes its sessions with it: the director forgets their routes and
 * their next calls get SESSION_LOST, even though the worker process here is still reachable. Real QUIC + TLS
 * on 127.0.0.1; the registry's failure detector is driven with explicit times.
 */
class DepartedWorkersTest {

    @RpcName("WhoAmI")
    public interface WhoAmI {
        String name();
    }

    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    private GatewayFixture fixture;
    private WorkerRegistry registry;
    private RoutingTable routes;

    @BeforeEach
    void start() {
        fixture = new GatewayFixture(GatewayFixture.worker(b -> b.addService(WhoAmI.class, (WhoAmI) () -> "w1")),
                GatewayFixture.worker(b -> b.addService(WhoAmI.class, (WhoAmI) () -> "w2")), UnaryOperator.identity());
        registry = fixture.registry;
        routes = fixture.routes;
        routes.assign("on-w1", W1, 1);
        routes.assign("on-w2", W2, 1);
        routes.assign("also-on-w1", W1, 3);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private String name(String session) {
        return fixture.client.proxy(WhoAmI.class, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10))
                .withSessionId(session)).name();
    }

    private void assertSessionLost(String session) {
        assertThatThrownBy(() -> name(session)).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.SESSION_LOST);
            assertThat(e.getMessage()).contains(session).contains("open a new session");
        });
    }

    /** The member beats at {@code nanos} with the incarnation it already has. */
    private void beat(MemberId id, long nanos) {
        registry.heartbeat(id, registry.member(id).orElseThrow().incarnation(), MemberLoad.ZERO, nanos);
    }

    @Test
    void theSessionsOfAFailedWorkerAreLost() {
        assertThat(name("on-w1")).isEqualTo("w1");
        long later = System.nanoTime() + MINUTE;
        beat(W2, later);
        registry.evaluate(later); // w1 has been silent for a minute
        assertThat(registry.member(W1).orElseThrow().status()).isEqualTo(MemberStatus.FAILED);
        assertThat(registry.member(W2).orElseThrow().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(registry.isPartitioned()).isFalse();

        assertThat(routes.route("on-w1")).isEmpty();
        assertThat(routes.route("also-on-w1")).isEmpty();
        assertSessionLost("on-w1");
        assertSessionLost("also-on-w1");
        assertThat(name("on-w2")).isEqualTo("w2");
        assertThat(routes.sessionsPerOwner()).containsExactly(Map.entry(W2, 1));
    }

    @Test
    void theSessionsOfAWorkerThatLeftAreLost() {
        assertThat(name("on-w2")).isEqualTo("w2");
        assertThat(registry.markLeft(W2, System.nanoTime())).isTrue();

        assertThat(routes.route("on-w2")).isEmpty();
        assertSessionLost("on-w2");
        assertThat(name("on-w1")).isEqualTo("w1");
        assertThat(name("also-on-w1")).isEqualTo("w1");
    }

    @Test
    void duringAPartitionFailedWorkersKeepTheirSessionsUntilItHeals() {
        long later = System.nanoTime() + MINUTE;
        registry.evaluate(later); // both silent: a partition, not two crashes
        assertThat(registry.isPartitioned()).isTrue();
        assertThat(routes.size()).as("routes kept while partitioned").isEqualTo(3);
        assertThat(name("on-w1")).as("w1 may well be alive on the other side").isEqualTo("w1");

        // w2 comes back (restarted): the partition heals with w1 still FAILED, whose sessions are then lost
        registry.upsert(MemberUpdate.builder(W2, "127.0.0.1:" + fixture.worker2.port())
                .tags(Map.of("role", "worker")).incarnation(registry.member(W2).orElseThrow().incarnation() + 1)
                .build(), later + 1);
        assertThat(registry.isPartitioned()).isFalse();
        assertThat(routes.sessionsPerOwner()).containsExactly(Map.entry(W2, 1));
        assertSessionLost("on-w1");
        assertThat(name("on-w2")).isEqualTo("w2");
    }

    @Test
    void aClosedGatewayNoLongerListens() {
        fixture.gateway.close();
        assertThat(registry.markLeft(W1, System.nanoTime())).isTrue();
        assertThat(routes.route("on-w1")).isPresent();
    }
}
