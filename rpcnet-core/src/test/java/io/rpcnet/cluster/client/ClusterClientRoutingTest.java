package io.rpcnet.cluster.client;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.balance.LoadBalancingStrategy;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.StreamCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Load balancing, tag filters, load leases, bulkhead and the no-worker cases, on real QUIC workers. */
class ClusterClientRoutingTest {

    private Workers workers;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    private Workers threeWorkers(LoadBalancingStrategy strategy) {
        workers = new Workers(strategy)
                .start("w1", Map.of("zone", "a"))
                .start("w2", Map.of("zone", "a"))
                .start("w3", Map.of("zone", "b"));
        return workers;
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        if (workers != null) {
            workers.close();
        }
    }

    private static Map<String, Long> histogram(List<String> ids) {
        return ids.stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    }

    private void assertNoLeases() {
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> workers.services.keySet()
                .forEach(id -> assertThat(workers.inFlight(id)).as("in-flight leases on %s", id).isZero()));
    }

    @Test
    void roundRobinGivesEachWorkerAThirdOf300Calls() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.ROUND_ROBIN).client(b -> b);
        WorkerProbe probe = client.proxy(WorkerProbe.class);
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            served.add(probe.whoAmI());
        }
        assertThat(histogram(served)).containsExactlyEntriesOf(new TreeMap<>(Map.of("w1", 100L, "w2", 100L, "w3", 100L)));
        assertThat(workers.entered("whoAmI")).isEqualTo(300);
        assertThat(client.connectedWorkers()).containsExactly(MemberId.of("w1"), MemberId.of("w2"), MemberId.of("w3"));
        assertThat(client.retry().getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(300);
        assertNoLeases();
    }

    @Test
    void randomGivesEachWorkerAtLeast60Of300Calls() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.RANDOM).client(b -> b);
        WorkerProbe probe = client.proxy(WorkerProbe.class);
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            served.add(probe.whoAmI());
        }
        Map<String, Long> counts = histogram(served);
        assertThat(counts).containsOnlyKeys("w1", "w2", "w3");
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(60));
        assertNoLeases();
    }

    @Test
    void leastConnectionsSteersToTheIdleWorkerWhileTheOthersHoldSlowCalls() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.LEAST_CONNECTIONS).client(b -> b);
        // slow calls pinned to w1 (two) and w2 (one) by tag; their leases are what least-connections sees
        List<CompletableFuture<String>> slow = new ArrayList<>();
        for (String id : List.of("w1", "w1", "w2")) {
            WorkerProbe pinned = client.proxy(WorkerProbe.class, TagFilter.of("id", id));
            slow.add(CompletableFuture.supplyAsync(() -> pinned.hold("slow"), pool));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> workers.entered("w1", "hold") == 2
                && workers.entered("w2", "hold") == 1);
        assertThat(workers.inFlight("w1")).isEqualTo(2);
        assertThat(workers.inFlight("w2")).isEqualTo(1);

        WorkerProbe any = client.proxy(WorkerProbe.class);
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            served.add(any.whoAmI());
        }
        assertThat(served).containsOnly("w3").hasSize(30);

        workers.gates.open("slow");
        assertThat(slow.stream().map(CompletableFuture::join)).containsExactly("w1", "w1", "w2");
        assertNoLeases();
        // once idle again, the load spreads: 30 sequential calls are no longer all on one worker
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            after.add(any.whoAmI());
        }
        assertThat(histogram(after).keySet()).hasSizeGreaterThan(1);
    }

    @Test
    void tagFiltersRouteOnlyToMatchingWorkers() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.ROUND_ROBIN)
                .client(b -> b.defaultFilter("zone=b").service(WorkerProbe.class));
        WorkerProbe zoneA = client.proxy(WorkerProbe.class, TagFilter.parse("zone=a"));
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            served.add(zoneA.whoAmI());
        }
        assertThat(histogram(served)).containsExactlyEntriesOf(new TreeMap<>(Map.of("w1", 20L, "w2", 20L)));

        // the default filter (zone=b), by proxy and by method name
        WorkerProbe byDefault = client.proxy(WorkerProbe.class);
        for (int i = 0; i < 10; i++) {
            assertThat(byDefault.whoAmI()).isEqualTo("w3");
            assertThat(client.call("WorkerProbe/record", "t" + i)).isEqualTo("w3");
        }
        // an explicit filter by name, two tags
        for (int i = 0; i < 6; i++) {
            assertThat(client.call("WorkerProbe/whoAmI", null, TagFilter.parse("zone=a,id=w2"))).isEqualTo("w2");
        }
        assertThat(workers.entered("w1", "record") + workers.entered("w2", "record")).isZero();

        // a filter nothing matches: UNAVAILABLE naming it, nothing sent
        assertThatThrownBy(() -> client.proxy(WorkerProbe.class, TagFilter.parse("zone=c")).whoAmI())
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
                    assertThat(e.wasNotProcessed()).isTrue();
                    assertThat(e.getMessage()).contains("zone=c").contains("WorkerProbe/whoAmI");
                });
        assertNoLeases();
    }

    @Test
    void emptyRegistryFailsWithUnavailableNamingTheFilter() {
        workers = new Workers(LoadBalancingStrategy.ROUND_ROBIN);
        ClusterClient client = workers.client(b -> b.service(WorkerProbe.class));
        TagFilter filter = TagFilter.parse("role=worker,zone=eu");

        assertThatThrownBy(() -> client.call("WorkerProbe/whoAmI", null, filter))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
                    assertThat(e.wasNotProcessed()).isTrue();
                    assertThat(e.getMessage()).contains("no ALIVE worker matches tag filter [role=worker,zone=eu]");
                });
        assertThatThrownBy(() -> client.proxy(WorkerProbe.class).whoAmI())
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("no ALIVE worker matches any tags (no filter)");
                });
        CompletableFuture<String> async = client.proxy(WorkerProbe.class, filter).whoAmIAsync("x");
        assertThat(async).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("role=worker,zone=eu");
                });
        // nothing to retry when nothing was ever attempted
        assertThat(client.retry().getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isZero();
        assertThat(client.bulkhead().getMetrics().getAvailableConcurrentCalls())
                .isEqualTo(ClusterResilience.DEFAULT_MAX_CONCURRENT_CALLS);
    }

    @Test
    void allCircuitBreakersOpenFailsWithUnavailableNamingFilterAndWorkers() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.ROUND_ROBIN).client(b -> b);
        for (String id : List.of("w1", "w2")) {
            client.circuitBreaker(MemberId.of(id)).transitionToForcedOpenState();
        }
        WorkerProbe zoneA = client.proxy(WorkerProbe.class, TagFilter.parse("zone=a"));
        assertThatThrownBy(zoneA::whoAmI).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
            assertThat(e.wasNotProcessed()).isTrue();
            assertThat(e.getMessage()).contains("tag filter [zone=a]").contains("circuit breaker of [w1, w2] is open");
        });
        // the other zone is unaffected, and open workers are skipped for unfiltered calls
        WorkerProbe any = client.proxy(WorkerProbe.class);
        for (int i = 0; i < 9; i++) {
            assertThat(any.whoAmI()).isEqualTo("w3");
        }
        assertThat(workers.attempts("w1") + workers.attempts("w2")).isZero();
        client.circuitBreaker(MemberId.of("w1")).transitionToClosedState();
        assertThat(zoneA.whoAmI()).isEqualTo("w1");
    }

    @Test
    void fullBulkheadRefusesWithResourceExhaustedWithoutSending() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.ROUND_ROBIN).client(b -> b
                .bulkheadConfig(BulkheadConfig.custom().maxConcurrentCalls(2).maxWaitDuration(Duration.ZERO).build()));
        WorkerProbe probe = client.proxy(WorkerProbe.class);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> probe.hold("busy"), pool);
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> probe.hold("busy"), pool);
        await().atMost(10, TimeUnit.SECONDS).until(() -> workers.entered("hold") == 2);

        assertThatThrownBy(probe::whoAmI).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
            assertThat(e.wasNotProcessed()).isTrue();
            assertThat(e.getMessage()).contains("bulkhead").contains("2 concurrent calls").contains("WorkerProbe/whoAmI");
        });
        assertThat(probe.whoAmIAsync("x")).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED));
        assertThat(workers.entered("whoAmI") + workers.entered("whoAmIAsync")).isZero();

        workers.gates.open("busy");
        assertThat(first.join()).isNotNull();
        assertThat(second.join()).isNotNull();
        await().atMost(5, TimeUnit.SECONDS).until(() -> client.bulkhead().getMetrics().getAvailableConcurrentCalls() == 2);
        assertThat(probe.whoAmI()).isNotNull();
    }

    @Test
    void asyncCallsAreRoutedAndComplete() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.ROUND_ROBIN).client(b -> b.service(WorkerProbe.class));
        WorkerProbe probe = client.proxy(WorkerProbe.class);
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            futures.add(probe.whoAmIAsync("n" + i));
        }
        List<String> served = futures.stream().map(f -> f.orTimeout(10, TimeUnit.SECONDS).join()).toList();
        assertThat(histogram(served)).containsExactlyEntriesOf(new TreeMap<>(Map.of("w1", 10L, "w2", 10L, "w3", 10L)));

        // callAsync of a blocking method runs on the client's executor; of an async one, without it
        List<CompletableFuture<Object>> byName = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byName.add(client.callAsync("WorkerProbe/whoAmI", null));
            byName.add(client.callAsync("WorkerProbe/whoAmIAsync", "x", TagFilter.parse("zone=b")));
        }
        for (int i = 0; i < byName.size(); i++) {
            Object value = byName.get(i).orTimeout(10, TimeUnit.SECONDS).join();
            if (i % 2 == 1) {
                assertThat(value).isEqualTo("w3");
            } else {
                assertThat(value).isIn("w1", "w2", "w3");
            }
        }
        // a blocking call of an async method
        assertThat(client.call(client.method("WorkerProbe/whoAmIAsync"), "y", TagFilter.parse("id=w2"))).isEqualTo("w2");
        assertNoLeases();
    }

    @Test
    void cancellingAnAsyncCallReleasesItsLease() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.ROUND_ROBIN).client(b -> b.service(WorkerProbe.class));
        CompletableFuture<Object> held = client.callAsync("WorkerProbe/hold", "never", TagFilter.of("id", "w1"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> workers.entered("w1", "hold") == 1);
        assertThat(workers.inFlight("w1")).isEqualTo(1);
        assertThat(held.cancel(true)).isTrue();
        assertNoLeases();
        await().atMost(5, TimeUnit.SECONDS).until(() -> client.bulkhead().getMetrics().getAvailableConcurrentCalls()
                == ClusterResilience.DEFAULT_MAX_CONCURRENT_CALLS);
        // the cancellation is the caller's: the worker's breaker saw no failure
        assertThat(client.circuitBreaker(MemberId.of("w1")).getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void streamingCallGoesToOneWorkerAndHoldsItsLeaseUntilTheEnd() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.ROUND_ROBIN).client(b -> b);
        WorkerProbe probe = client.proxy(WorkerProbe.class, TagFilter.parse("zone=b"));
        List<String> received = StreamCollector.<String>collect(observer -> probe.countdown(5, observer));
        assertThat(received).containsExactly("w3:5", "w3:4", "w3:3", "w3:2", "w3:1");
        assertNoLeases();
        assertThat(client.circuitBreaker(MemberId.of("w3")).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
        await().atMost(5, TimeUnit.SECONDS).until(() -> client.bulkhead().getMetrics().getAvailableConcurrentCalls()
                == ClusterResilience.DEFAULT_MAX_CONCURRENT_CALLS);
    }

    @Test
    void clientAndBidiStreamingCallsGoToOneMatchingWorker() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.ROUND_ROBIN).client(b -> b);
        WorkerProbe probe = client.proxy(WorkerProbe.class, TagFilter.parse("id=w2"));
        assertThat(probe.concat(java.util.stream.Stream.of("a", "b", "c"))).isEqualTo("w2:a+b+c");

        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<String> requests = probe.echo(new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        assertThat(workers.inFlight("w2")).isEqualTo(1); // the stream holds its lease
        requests.onNext("x");
        requests.onNext("y");
        requests.onCompleted();
        done.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(received).containsExactly("w2:x", "w2:y");
        assertNoLeases();
        assertThat(workers.entered("concat") + workers.entered("echo")).isEqualTo(2);
        assertThat(workers.entered("w2", "concat") + workers.entered("w2", "echo")).isEqualTo(2);
    }

    @Test
    void workerThatLeavesGetsNoMoreCallsAndItsClientIsClosed() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.ROUND_ROBIN).client(b -> b);
        WorkerProbe probe = client.proxy(WorkerProbe.class);
        for (int i = 0; i < 3; i++) {
            probe.whoAmI();
        }
        assertThat(client.connectedWorkers()).contains(MemberId.of("w1"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> workers.servers.get("w1").activeConnections() == 1);

        workers.registry.markLeft(MemberId.of("w1"), System.nanoTime());
        assertThat(client.connectedWorkers()).doesNotContain(MemberId.of("w1"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> workers.servers.get("w1").activeConnections() == 0);
        for (int i = 0; i < 10; i++) {
            assertThat(probe.whoAmI()).isIn("w2", "w3");
        }
    }

    @Test
    void unknownMethodNameAndStreamingByNameAreRejected() {
        ClusterClient client = threeWorkers(LoadBalancingStrategy.ROUND_ROBIN).client(b -> b.service(WorkerProbe.class));
        assertThatThrownBy(() -> client.call("Nope/none", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown RPC method Nope/none");
        assertThatThrownBy(() -> client.call("WorkerProbe/countdown", 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxy");
    }
}
