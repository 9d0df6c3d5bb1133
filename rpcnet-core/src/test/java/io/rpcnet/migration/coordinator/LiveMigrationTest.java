package io.rpcnet.migration.coordinator;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.director.RoutingTable;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.state.MigrationState;
import io.rpcnet.migration.tracker.MigrationView;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.session.Moved;
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Live migration end to end over real QUIC + TLS on 127.0.0.1: a client keeps calling through the director
 * while its sessions move between workers; no call fails, every counter continues exactly, and the client
 * keeps its one QUIC connection.
 */
class LiveMigrationTest {

    private static final MemberId W1 = MemberId.of("w1");
    private static final MemberId W2 = MemberId.of("w2");

    private MigrationFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Opens {@code n} sessions, all on w1 (w2 is cordoned while they open). */
    private List<String> openOnW1(int n, int payloadBytes) {
        fixture.registry.cordon(W2);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(fixture.open(payloadBytes));
        }
        fixture.registry.uncordon(W2);
        ids.forEach(id -> assertThat(fixture.owner(id)).isEqualTo(W1));
        return ids;
    }

    /** Calls every session in a loop on its own thread; checks each answer continues the counter exactly. */
    private static final class Load implements AutoCloseable {
        final Map<String, AtomicLong> last = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final Map<String, List<String>> workersSeen = new ConcurrentHashMap<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final ExecutorService threads;
        final List<CompletableFuture<Void>> loops = new ArrayList<>();

        Load(MigrationFixture f, List<String> sessions) {
            threads = Executors.newFixedThreadPool(sessions.size());
            for (String id : sessions) {
                last.put(id, new AtomicLong());
                workersSeen.put(id, new CopyOnWriteArrayList<>());
                MigrationFixture.Counter counter = f.counter(id);
                loops.add(CompletableFuture.runAsync(() -> {
                    while (running.get()) {
                        try {
                            long got = counter.increment();
                            long expected = last.get(id).get() + 1;
                            if (got != expected) {
                                failures.add(id + ": expected " + expected + " got " + got);
                            }
                            last.get(id).set(got);
                            if (got % 5 == 0) {
                                String w = counter.worker();
                                List<String> seen = workersSeen.get(id);
                                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(w)) {
                                    seen.add(w);
                                }
                            }
                        } catch (RuntimeException e) {
                            failures.add(id + ": " + e);
                        }
                    }
                }, threads));
            }
        }

        long minCalls() {
            return last.values().stream().mapToLong(AtomicLong::get).min().orElse(0);
        }

        @Override
        public void close() {
            running.set(false);
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
            threads.shutdownNow();
        }
    }

    @Test
    void fiftySessionsMoveWhileCallingWithoutAFailedCall() {
        fixture = new MigrationFixture(2, MigrationSettings.builder().pauseBudget(Duration.ofMillis(500)).build());
        List<String> sessions = openOnW1(50, 1024);
        RpcClient client = fixture.client;
        assertThat(client.connectionsOpened()).isEqualTo(1);
        List<MigrationOutcome> outcomes;
        Map<String, Long> countsAtMove = new ConcurrentHashMap<>();
        try (Load load = new Load(fixture, sessions)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> load.minCalls() >= 5);
            List<CompletableFuture<MigrationOutcome>> running = new ArrayList<>();
            for (String id : sessions) {
                running.add(fixture.coordinator.migrate(id, "w2", MigrationParty.OPERATOR, "test").outcome());
            }
            outcomes = running.stream().map(f -> f.orTimeout(60, TimeUnit.SECONDS).join()).toList();
            sessions.forEach(id -> countsAtMove.put(id, load.last.get(id).get()));
            await().atMost(Duration.ofSeconds(20)).until(() -> sessions.stream()
                    .allMatch(id -> load.last.get(id).get() >= countsAtMove.get(id) + 5));
            load.close();
            assertThat(load.failures).as("failed or out-of-sequence calls").isEmpty();
            for (String id : sessions) {
                assertThat(load.workersSeen.get(id)).as("workers seen by " + id).containsExactly("w1", "w2");
            }
        }
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.completed()).as(o.toString()).isTrue();
            assertThat(o.newEpoch()).isEqualTo(2);
            assertThat(o.pause()).isLessThan(Duration.ofMillis(500));
        });
        for (String id : sessions) {
            assertThat(fixture.routes.route(id)).contains(new RoutingTable.Route(W2, 2));
            assertThat(fixture.worker(W1).sessions.find(id)).isEmpty();
            long counter = fixture.counter(id).read();
            assertThat(fixture.worker(W2).sessions.find(id).orElseThrow().epoch()).isEqualTo(2);
            assertThat(counter).isGreaterThanOrEqualTo(countsAtMove.get(id) + 5);
        }
        assertThat(client.connectionsOpened()).as("the client never reconnected").isEqualTo(1);
        assertThat(fixture.gateway.activeConnections()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(fixture.worker(W1).participant.activeMigrations()).isZero();
            assertThat(fixture.coordinator.active()).isEmpty();
        });
    }

    @Test
    void aMovedSessionIsAnsweredWithMovedByItsOldOwnerAndTheMigrationIsTracked() {
        fixture = new MigrationFixture(2, MigrationSettings.defaults());
        String id = openOnW1(1, 0).get(0);
        MigrationFixture.Counter counter = fixture.counter(id);
        assertThat(counter.increment()).isEqualTo(1);
        MigrationService.Migration m = fixture.coordinator.migrate(id, null, MigrationParty.OPERATOR, "rebalance");
        MigrationOutcome outcome = m.outcome().orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.target()).as("the load balancer picked the other worker").isEqualTo("w2");
        assertThat(outcome.stateBytes()).isPositive();
        assertThat(counter.increment()).isEqualTo(2);
        assertThat(counter.worker()).isEqualTo("w2");

        MigrationView view = fixture.coordinator.find(m.migrationId()).orElseThrow();
        assertThat(view.state()).isEqualTo(MigrationState.COMPLETED);
        assertThat(view.source()).isEqualTo("w1");
        assertThat(fixture.coordinator.recentOutcomes()).extracting(MigrationOutcome::migrationId)
                .contains(m.migrationId());

        // a stale call straight to the old owner: MOVED, naming the new one
        try (RpcClient direct = RpcClient.builder().target("localhost", fixture.worker(W1).server.port())
                .tls(TestTls.client()).build()) {
            MigrationFixture.Counter stale = direct.proxy(MigrationFixture.Counter.class,
                    CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)).withSessionId(id));
            assertThatThrownBy(stale::increment).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.code()).isEqualTo(StatusCode.MOVED);
                assertThat(Moved.newOwner(e.status(), null)).contains(W2);
                assertThat(e.trailers().get(Moved.OWNER_TRAILER)).as("a unary failure carries its trailers")
                        .isEqualTo("w2");
            });
        }
        assertThat(counter.increment()).as("the stale call changed nothing").isEqualTo(3);
    }

    @Test
    void aSessionCannotMoveTwiceAtOnceOrToItsOwnWorkerOrAnUnknownOne() {
        fixture = new MigrationFixture(2, MigrationSettings.defaults());
        String id = openOnW1(1, 256 * 1024).get(0);
        assertThatThrownBy(() -> fixture.coordinator.migrate(id, "w1", MigrationParty.OPERATOR, ""))
                .isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.error()).isEqualTo(MigrationError.TARGET_UNAVAILABLE));
        assertThatThrownBy(() -> fixture.coordinator.migrate(id, "nobody", MigrationParty.OPERATOR, ""))
                .isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.error()).isEqualTo(MigrationError.TARGET_UNAVAILABLE));
        assertThatThrownBy(() -> fixture.coordinator.migrate("no-such-session", "w2", MigrationParty.OPERATOR, ""))
                .isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.error()).isEqualTo(MigrationError.SOURCE_UNAVAILABLE));

        MigrationService.Migration first = fixture.coordinator.migrate(id, "w2", MigrationParty.OPERATOR, "");
        assertThatThrownBy(() -> fixture.coordinator.migrate(id, "w2", MigrationParty.OPERATOR, ""))
                .isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.error()).isEqualTo(MigrationError.ALREADY_MIGRATING));
        assertThat(first.outcome().orTimeout(30, TimeUnit.SECONDS).join().completed()).isTrue();
        assertThat(fixture.counter(id).read()).isZero();
    }

    @Test
    void drainingAWorkerWithTwoHundredSessionsUnderLoadLosesNoCall() {
        fixture = new MigrationFixture(2, MigrationSettings.builder().pauseBudget(Duration.ofMillis(500)).build());
        List<String> sessions = openOnW1(200, 512);
        List<String> loaded = sessions.subList(0, 40); // 40 calling threads; the others sit idle
        DrainReport report;
        try (Load load = new Load(fixture, loaded)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> load.minCalls() >= 3);
            report = fixture.coordinator.drain("w1").orTimeout(120, TimeUnit.SECONDS).join();
            long after = load.minCalls();
            await().atMost(Duration.ofSeconds(20)).until(() -> load.minCalls() >= after + 3);
            load.close();
            assertThat(load.failures).as("failed or out-of-sequence calls").isEmpty();
        }
        assertThat(report.drained()).as(report.toString()).isTrue();
        assertThat(report.migrated()).isEqualTo(200);
        assertThat(report.remaining()).isZero();
        assertThat(fixture.coordinator.isDrained("w1")).isTrue();
        assertThat(fixture.worker(W1).sessions.activeSessions()).isZero();
        assertThat(fixture.worker(W2).sessions.activeSessions()).isEqualTo(200);
        assertThat(fixture.routes.sessionsPerOwner()).containsOnlyKeys(W2);
        // new sessions no longer land on the drained (cordoned) worker
        for (int i = 0; i < 10; i++) {
            assertThat(fixture.owner(fixture.open(0))).isEqualTo(W2);
        }
        assertThat(fixture.client.connectionsOpened()).isEqualTo(1);
    }
}
