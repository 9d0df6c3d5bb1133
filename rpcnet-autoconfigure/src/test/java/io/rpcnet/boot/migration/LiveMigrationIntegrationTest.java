package io.rpcnet.boot.migration;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.coordinator.MigrationService;
import io.rpcnet.session.SessionTrailers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A director and two workers as three Spring contexts on loopback, wired only by properties: a client of the
 * director's gateway keeps one session while an operator moves it and while its worker shuts down.
 */
class LiveMigrationIntegrationTest {

    private final MigrationCluster cluster = new MigrationCluster();

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aSessionMovesOnRequestAndWhenItsWorkerShutsDownWithoutAFailedCall() throws Exception {
        cluster.director(false, List.of()).worker("w1", List.of()).worker("w2", List.of()).awaitWorkers(2);

        AtomicReference<String> announced = new AtomicReference<>();
        try (RpcClient client = cluster.newClient(b -> b.interceptor(call -> call.onClose(status ->
                SessionTrailers.sessionId(call.trailers()).ifPresent(announced::set))))) {
            CallOptions options = CallOptions.DEFAULT.withTimeout(MigrationCluster.CALL_TIMEOUT);
            String sessionId = client.proxy(Counter.class, options).open();
            assertThat(announced.get()).isEqualTo(sessionId);
            Counter counter = client.proxy(Counter.class, options.withSessionId(sessionId));
            String first = counter.worker();
            String second = first.equals("w1") ? "w2" : "w1";
            assertThat(counter.increment()).isEqualTo(1);
            assertThat(counter.increment()).isEqualTo(2);
            assertThat(counter.increment()).isEqualTo(3);

            MigrationService migrations = cluster.migrations();
            MigrationOutcome moved = migrations.migrate(sessionId, null, MigrationParty.OPERATOR, "test").outcome()
                    .get(20, TimeUnit.SECONDS);
            assertThat(moved.completed()).as(moved.toString()).isTrue();
            assertThat(moved.target()).isEqualTo(second);
            assertThat(counter.worker()).isEqualTo(second);
            assertThat(counter.increment()).isEqualTo(4);

            cluster.worker(second).close(); // graceful shutdown: drained (the session moves back) before it leaves
            assertThat(counter.worker()).isEqualTo(first);
            assertThat(counter.increment()).isEqualTo(5);
            assertThat(migrations.recentOutcomes()).hasSize(2).allMatch(MigrationOutcome::completed);
            assertThat(migrations.recentOutcomes().get(1).source()).isEqualTo(second);
            assertThat(migrations.recentOutcomes().get(1).target()).isEqualTo(first);
        }
    }
}
