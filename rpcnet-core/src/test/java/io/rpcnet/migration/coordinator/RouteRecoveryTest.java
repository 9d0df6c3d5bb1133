package io.rpcnet.migration.coordinator;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.director.RoutingTable;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.wire.MigrationProtocol;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Workers are the authority on their sessions: a restarted director (empty routing table) learns them back
 * when the workers join it, and the sessions continue with their state, including one that had moved.
 */
class RouteRecoveryTest {

    private MigrationFixture fixture;

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aRestartedDirectorRebuildsItsRoutesFromTheWorkers() {
        fixture = new MigrationFixture(2, MigrationSettings.defaults());
        String a = fixture.open(0);
        String b = fixture.open(0);
        fixture.counter(a).increment();
        fixture.counter(a).increment();
        fixture.counter(b).increment();
        MemberId ownerOfB = fixture.owner(b);
        String otherWorker = MigrationFixture.other(ownerOfB).value();
        assertThat(fixture.coordinator.migrate(b, otherWorker, MigrationParty.OPERATOR, "before the restart")
                .outcome().orTimeout(30, TimeUnit.SECONDS).join().completed()).isTrue();

        WorkerRegistry registry = new WorkerRegistry();
        RoutingTable routes = new RoutingTable();
        try (DirectorGateway gateway = DirectorGateway.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(TestTls.server()).workerTls(TestTls.client()).registry(registry).routingTable(routes).build()
                .start();
             MigrationCoordinator coordinator = MigrationCoordinator.builder().gateway(gateway)
                     .tokens(fixture.tokens()).workerTls(TestTls.client()).build();
             RpcClient client = RpcClient.builder().target("localhost", gateway.port()).tls(TestTls.client())
                     .build()) {
            MigrationFixture.Counter counterA = client.proxy(MigrationFixture.Counter.class,
                    CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)).withSessionId(a));
            assertThatThrownBy(counterA::read).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.code()).isEqualTo(StatusCode.SESSION_LOST));

            fixture.workers.values().forEach(w -> registry.upsert(MemberUpdate.builder(w.id,
                    "127.0.0.1:" + w.server.port()).tags(Map.of("role", "worker")).build(), System.nanoTime()));
            await().atMost(Duration.ofSeconds(10)).until(() -> routes.size() == 2);
            assertThat(routes.route(a)).contains(fixture.routes.route(a).orElseThrow());
            assertThat(routes.route(b)).contains(new RoutingTable.Route(MemberId.of(otherWorker), 2));
            assertThat(counterA.increment()).isEqualTo(3);
            MigrationFixture.Counter counterB = client.proxy(MigrationFixture.Counter.class,
                    CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)).withSessionId(b));
            assertThat(counterB.increment()).isEqualTo(2);
            assertThat(counterB.worker()).isEqualTo(otherWorker);
            assertThat(coordinator.active()).isEmpty();
        }
    }

    @Test
    void listingSessionsNeedsAValidToken() {
        fixture = new MigrationFixture(1, MigrationSettings.defaults());
        fixture.open(0);
        MigrationFixture.Worker w = fixture.workers.values().iterator().next();
        try (RpcClient direct = RpcClient.builder().target("localhost", w.server.port()).tls(TestTls.client())
                .build()) {
            MigrationProtocol protocol = direct.proxy(MigrationProtocol.class,
                    CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)));
            assertThatThrownBy(() -> protocol.listSessions(new MigrationProtocol.ListSessions("r1", "w1", "forged")))
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.code()).isEqualTo(StatusCode.FAILED_PRECONDITION);
                        assertThat(e.status().message()).startsWith("INVALID_TOKEN: malformed token");
                    });
            String token = fixture.tokens().issue("r2", "*", "w1", MigrationProtocol.DIRECTOR_TARGET,
                    Duration.ofSeconds(30)).value();
            assertThat(protocol.listSessions(new MigrationProtocol.ListSessions("r2", "w1", token)).sessions())
                    .hasSize(1).containsValue(1L);
            assertThatThrownBy(() -> protocol.listSessions(new MigrationProtocol.ListSessions("r2", "w1", token)))
                    .as("a token is single-use").isInstanceOfSatisfying(RpcException.class,
                            e -> assertThat(e.status().message()).startsWith("REPLAYED: "));
        }
    }
}
