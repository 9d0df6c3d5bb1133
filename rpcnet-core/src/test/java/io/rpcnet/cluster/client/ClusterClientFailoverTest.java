package io.rpcnet.cluster.client;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.balance.LoadBalancingStrategy;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.TestTls;
import io.rpcnet.transport.TransportSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Retries, circuit breakers and refusals with real worker servers that die or drain. */
class ClusterClientFailoverTest {

    private Workers workers;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
        if (workers != null) {
            workers.close();
        }
    }

    private Workers threeWorkers() {
        workers = new Workers(LoadBalancingStrategy.ROUND_ROBIN)
                .start("w1", Map.of())
                .start("w2", Map.of())
                .start("w3", Map.of());
        return workers;
    }

    /** Opens after 2 recorded calls at >= 50 % failures and stays open for the whole test. */
    private static CircuitBreakerConfig quickBreaker() {
        return CircuitBreakerConfig.from(ClusterResilience.defaultCircuitBreakerConfig())
                .slidingWindowSize(4)
                .minimumNumberOfCalls(2)
                .waitDurationInOpenState(Duration.ofMinutes(1))
                .build();
    }

    /** Starts {@code call} on the pool and waits until it reached a worker's handler of {@code method}. */
    private CompletableFuture<String> startAndAwait(Supplier<String> call, String method) {
        int before = workers.entered(method);
        CompletableFuture<String> future = CompletableFuture.supplyAsync(call, pool);
        await().atMost(10, TimeUnit.SECONDS).until(() -> workers.entered(method) == before + 1);
        return future;
    }

    private static StatusCode failureCode(CompletableFuture<String> future) {
        try {
            future.join();
            return StatusCode.OK;
        } catch (CompletionException e) {
            return ((RpcException) e.getCause()).code();
        }
    }

    @Test
    void abruptlyClosedWorkerIdempotentCallsMoveOthersFailAndTheOpenBreakerKeepsItOut() {
        ClusterClient client = threeWorkers().client(b -> b.circuitBreakerConfig(quickBreaker()));
        WorkerProbe probe = client.proxy(WorkerProbe.class);
        for (int i = 0; i < 3; i++) {
            probe.whoAmI(); // connect to every worker
        }
        // round robin puts one idempotent and one non-idempotent slow call on each worker
        List<CompletableFuture<String>> idempotent = new ArrayList<>();
        List<CompletableFuture<String>> plain = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            idempotent.add(startAndAwait(() -> probe.holdIdempotent("g"), "holdIdempotent"));
        }
        for (int i = 0; i < 3; i++) {
            plain.add(startAndAwait(() -> probe.hold("g"), "hold"));
        }
        for (String id : List.of("w1", "w2", "w3")) {
            assertThat(workers.entered(id, "holdIdempotent")).isEqualTo(1);
            assertThat(workers.entered(id, "hold")).isEqualTo(1);
        }

        workers.servers.get("w1").shutdown(Duration.ZERO); // no grace: in-flight calls are cut off

        // the idempotent call that was running on w1 is retried on w2 or w3 ...
        await().atMost(10, TimeUnit.SECONDS).until(() -> workers.entered("w2", "holdIdempotent")
                + workers.entered("w3", "holdIdempotent") == 3);
        // ... the non-idempotent one that was running on w1 fails, and is not retried anywhere
        await().atMost(10, TimeUnit.SECONDS).until(() -> plain.stream().anyMatch(CompletableFuture::isDone));
        List<CompletableFuture<String>> cutOff = plain.stream().filter(CompletableFuture::isDone).toList();
        assertThat(cutOff).hasSize(1);
        assertThat(failureCode(cutOff.get(0))).isEqualTo(StatusCode.UNAVAILABLE);
        RpcException cause = (RpcException) cutOff.get(0).handle((v, e) -> e.getCause()).join();
        assertThat(cause.wasNotProcessed()).isFalse();

        workers.gates.open("g");
        assertThat(idempotent.stream().map(CompletableFuture::join).toList()).doesNotContain("w1").hasSize(3);
        assertThat(plain.stream().filter(f -> f != cutOff.get(0)).map(CompletableFuture::join).toList())
                .containsExactlyInAnyOrder("w2", "w3");
        assertThat(workers.entered("w2", "hold") + workers.entered("w3", "hold")).isEqualTo(2);
        assertThat(client.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);

        // two failures out of three recorded calls: w1's breaker is open and w1 is no longer tried
        CircuitBreaker w1 = client.circuitBreaker(MemberId.of("w1"));
        assertThat(w1.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        int attemptsBefore = workers.attempts("w1");
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            served.add(probe.whoAmI());
            served.add(probe.record("r" + i)); // not idempotent: would fail if it were sent to w1
        }
        assertThat(served).doesNotContain("w1").hasSize(60);
        assertThat(workers.attempts("w1")).isEqualTo(attemptsBefore);
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> List.of("w1", "w2", "w3")
                .forEach(id -> assertThat(workers.inFlight(id)).isZero()));
    }

    @Test
    void deadWorkerNotYetOpenIsRetriedElsewhereEvenForNonIdempotentCallsBecauseNothingWasSent() {
        // the default breaker needs 5 calls: the first calls after the death still try w1, fail to connect
        // (not processed) and go to another worker
        ClusterClient client = threeWorkers().client(b -> b);
        WorkerProbe probe = client.proxy(WorkerProbe.class);
        for (int i = 0; i < 3; i++) {
            probe.whoAmI();
        }
        workers.servers.get("w1").shutdown(Duration.ZERO);
        // a call sent before the client learns that the connection is gone may have run (UNAVAILABLE, not
        // retried); once it knows, calls need a new connection, which fails before anything is sent
        await().atMost(10, TimeUnit.SECONDS).until(() -> !client.channels().current(MemberId.of("w1")).client.isConnected());
        int attemptsBefore = workers.attempts("w1");
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            served.add(probe.record("r" + i));
        }
        assertThat(served).doesNotContain("w1").hasSize(6);
        assertThat(workers.entered("w2", "record") + workers.entered("w3", "record")).isEqualTo(6);
        // round robin still picked w1 for some calls (retries take a turn too); each attempt failed to connect
        int failedOnW1 = client.circuitBreaker(MemberId.of("w1")).getMetrics().getNumberOfFailedCalls();
        assertThat(failedOnW1).isGreaterThanOrEqualTo(2);
        assertThat(workers.attempts("w1")).isEqualTo(attemptsBefore + failedOnW1);
        assertThat(client.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(failedOnW1);
    }

    @Test
    void goAwayRefusalsAreRetriedElsewhereEvenForNonIdempotentMethods() {
        ClusterClient client = threeWorkers().client(b -> b);
        WorkerProbe probe = client.proxy(WorkerProbe.class);
        for (int i = 0; i < 3; i++) {
            probe.whoAmI();
        }
        // w1 drains: a call still running keeps it in GOAWAY state instead of stopping
        WorkerProbe onW1 = client.proxy(WorkerProbe.class, TagFilter.of("id", "w1"));
        CompletableFuture<String> running = startAndAwait(() -> onW1.hold("drain"), "hold");
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(
                () -> workers.servers.get("w1").shutdown(Duration.ofSeconds(20)), pool);

        try (RpcClient direct = RpcClient.builder().target("127.0.0.1", workers.servers.get("w1").port())
                .tls(TestTls.client())
                .settings(TransportSettings.builder().eventLoopThreads(1).build())
                .build()) {
            WorkerProbe w1 = direct.proxy(WorkerProbe.class);
            await().atMost(10, TimeUnit.SECONDS).until(() -> {
                try {
                    w1.whoAmI();
                    return false;
                } catch (RpcException e) {
                    return e.wasNotProcessed();
                }
            });
        }
        int attemptsBefore = workers.attempts("w1");
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            served.add(probe.record("r" + i));
        }
        assertThat(served).doesNotContain("w1").hasSize(12);
        assertThat(workers.entered("w1", "record")).isZero();
        assertThat(workers.attempts("w1")).isGreaterThan(attemptsBefore); // refused, then retried elsewhere
        assertThat(client.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isPositive();

        workers.gates.open("drain");
        assertThat(running.join()).isEqualTo("w1");
        shutdown.join();
    }

    @Test
    void concurrencyLimitRefusalsAreRetriedElsewhereAndDoNotOpenTheBreaker() {
        workers = new Workers(LoadBalancingStrategy.ROUND_ROBIN)
                .start("w1", Map.of(), b -> b.settings(TransportSettings.builder().maxConcurrentCalls(1).build()))
                .start("w2", Map.of())
                .start("w3", Map.of());
        ClusterClient client = workers.client(b -> b);
        WorkerProbe onW1 = client.proxy(WorkerProbe.class, TagFilter.of("id", "w1"));
        CompletableFuture<String> busy = startAndAwait(() -> onW1.hold("busy"), "hold");

        WorkerProbe probe = client.proxy(WorkerProbe.class);
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            served.add(probe.record("r" + i));
        }
        assertThat(served).doesNotContain("w1").hasSize(12);
        assertThat(workers.entered("w1", "record")).isZero();
        assertThat(workers.attempts("w1")).isGreaterThanOrEqualTo(1 + 4); // the hold plus the refused attempts
        // a refusal for load is not a sign of a broken worker
        assertThat(client.circuitBreaker(MemberId.of("w1")).getState()).isEqualTo(CircuitBreaker.State.CLOSED);

        workers.gates.open("busy");
        assertThat(busy.join()).isEqualTo("w1");
        assertThat(onW1.record("after")).isEqualTo("w1");
    }

    @Test
    void nonIdempotentFailureThatMayHaveRunIsNotRetriedEvenWithRetriesLeft() {
        ClusterClient client = threeWorkers().client(b -> b.circuitBreakerConfig(quickBreaker()));
        WorkerProbe onW2 = client.proxy(WorkerProbe.class, TagFilter.parse("id=w2"));
        WorkerProbe onW2Idempotent = client.proxy(WorkerProbe.class, TagFilter.parse("id=w2"));
        CompletableFuture<String> plain = startAndAwait(() -> onW2.hold("x"), "hold");
        CompletableFuture<String> idem = startAndAwait(() -> onW2Idempotent.holdIdempotent("x"), "holdIdempotent");
        workers.servers.get("w2").shutdown(Duration.ZERO);

        assertThat(failureCode(plain)).isEqualTo(StatusCode.UNAVAILABLE);
        // the idempotent one may be retried, but the filter allows only w2, which is gone: it fails too
        assertThat(failureCode(idem)).isEqualTo(StatusCode.UNAVAILABLE);
        assertThat(workers.entered("hold")).isEqualTo(1);
        assertThat(client.retry().getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void closedClientRefusesCalls() {
        ClusterClient client = threeWorkers().client(b -> b);
        WorkerProbe probe = client.proxy(WorkerProbe.class);
        for (int i = 0; i < 3; i++) {
            probe.whoAmI(); // connect to every worker
        }
        assertThat(workers.servers.get("w1").activeConnections()).isEqualTo(1);
        client.close();
        assertThatThrownBy(probe::whoAmI).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
            assertThat(e.wasNotProcessed()).isTrue();
            assertThat(e.getMessage()).contains("closed");
        });
        await().atMost(10, TimeUnit.SECONDS).until(() -> workers.servers.get("w1").activeConnections() == 0);
    }
}
