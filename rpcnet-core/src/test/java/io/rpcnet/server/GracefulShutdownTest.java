package io.rpcnet.server;

import io.rpcnet.client.RpcClient;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoServiceImpl;
import io.rpcnet.testing.RpcFixture;
import io.rpcnet.testing.TestTls;
import io.rpcnet.transport.TransportSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class GracefulShutdownTest {

    private RpcFixture rpc;
    private EchoService echo;
    private ExecutorService pool;
    /** When the server's {@code slow} handler returned (nanoTime), recorded by a server interceptor. */
    private final AtomicLong slowReturnedAt = new AtomicLong();
    /** How many ping calls reached the server's handler. */
    private final AtomicInteger pingsServed = new AtomicInteger();

    @BeforeEach
    void start() {
        // a short handshake timeout: calls after the server is gone fail fast instead of waiting 10 s
        rpc = new RpcFixture(b -> b.interceptor(invocation -> {
            if (invocation.context().method().methodName().equals("ping")) {
                pingsServed.incrementAndGet();
            }
            Object result = invocation.proceed();
            if (invocation.context().method().methodName().equals("slow")) {
                slowReturnedAt.set(System.nanoTime());
            }
            return result;
        }), b -> b.settings(TransportSettings.builder()
                .handshakeTimeout(Duration.ofSeconds(1))
                .build()));
        echo = rpc.echo();
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        rpc.close();
    }

    @Test
    void inFlightCallCompletesWhileNewCallsAreRefusedAndShutdownReturnsWhenItEnds() throws Exception {
        assertThat(echo.ping()).isEqualTo("pong");
        // 2 s leaves room to probe the draining server several times while the call is still running
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> echo.slow(2_000), pool);
        assertThat(rpc.service.slowStarted.await(5, TimeUnit.SECONDS)).isTrue();

        long began = System.nanoTime();
        CompletableFuture<Long> shutdown = CompletableFuture.supplyAsync(() -> {
            rpc.server.shutdown(Duration.ofSeconds(5));
            return System.nanoTime();
        }, pool);

        // once the server drains, a new call is refused (never processed) with UNAVAILABLE; calls that raced
        // ahead of the GOAWAY may still succeed, but nothing else may happen to them
        List<StatusCode> outcomes = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
            StatusCode code = outcome(() -> echo.ping());
            outcomes.add(code);
            return code == StatusCode.UNAVAILABLE;
        });
        assertThat(outcomes).allMatch(c -> c == StatusCode.OK || c == StatusCode.UNAVAILABLE);
        // from then on, while the server drains, no new call is served: not on the old connection, and not on
        // a new one the client may open after the GOAWAY
        int served = pingsServed.get();
        for (int i = 0; i < 5; i++) {
            assertThat(inFlight).isNotDone();
            assertThat(outcome(() -> echo.ping())).isEqualTo(StatusCode.UNAVAILABLE);
        }
        assertThat(pingsServed).as("refused calls never reach the handler").hasValue(served);

        assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(rpc.service.slowCancelledWith.get()).as("the in-flight call was not cancelled").isNull();
        long returnedAt = shutdown.get(5, TimeUnit.SECONDS);
        assertThat(slowReturnedAt.get()).isNotZero();
        assertThat(returnedAt).as("shutdown returned after the in-flight handler").isGreaterThan(slowReturnedAt.get());
        assertThat(Duration.ofNanos(returnedAt - began)).as("shutdown waits for the call, not the whole grace")
                .isLessThan(Duration.ofSeconds(4));
        assertThat(rpc.server.isRunning()).isFalse();
        assertThat(outcome(() -> echo.ping())).isEqualTo(StatusCode.UNAVAILABLE);
    }

    @Test
    void shutdownWaitsForTheInFlightCallToEnd() throws Exception {
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> echo.slow(500), pool);
        assertThat(rpc.service.slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
        long began = System.nanoTime();

        rpc.server.shutdown(Duration.ofSeconds(5));

        long returnedAt = System.nanoTime();
        assertThat(inFlight.get(5, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(rpc.service.slowCancelledWith.get()).isNull();
        // the handler was still sleeping when shutdown began; shutdown returned only after it ended, and well
        // before the grace period was over
        assertThat(slowReturnedAt.get()).isBetween(began, returnedAt);
        assertThat(Duration.ofNanos(returnedAt - began)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void callsLongerThanTheGraceAreCancelled() throws Exception {
        CompletableFuture<Throwable> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                echo.slow(10_000);
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, pool);
        assertThat(rpc.service.slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
        long began = System.nanoTime();

        rpc.server.shutdown(Duration.ofMillis(300));

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(250))
                .isLessThan(Duration.ofSeconds(4));
        assertThat(rpc.service.slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(rpc.service.slowCancelledWith.get().code()).isEqualTo(StatusCode.CANCELLED);
        // the client learns of the closed connection
        assertThat(inFlight.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
    }

    @Test
    void portZeroPicksAFreePortForEachServer() {
        RpcServer first = newServer().start();
        try {
            RpcServer second = newServer().start();
            try {
                assertThat(first.port()).isPositive();
                assertThat(second.port()).isPositive().isNotEqualTo(first.port());
                assertThat(first.localAddress().getPort()).isEqualTo(first.port());
                for (RpcServer server : List.of(first, second)) {
                    try (RpcClient client = RpcClient.builder().target("localhost", server.port())
                            .tls(TestTls.client()).build()) {
                        assertThat(client.proxy(EchoService.class).ping()).isEqualTo("pong");
                    }
                }
            } finally {
                second.shutdown(Duration.ZERO);
            }
        } finally {
            first.shutdown(Duration.ZERO);
        }
        assertThat(first.isRunning()).isFalse();
        assertThatThrownBy(first::port).isInstanceOf(IllegalStateException.class);
    }

    private static RpcServer newServer() {
        return RpcServer.builder().port(0).tls(TestTls.server())
                .addService(EchoService.class, new EchoServiceImpl()).build();
    }

    private static StatusCode outcome(Supplier<?> call) {
        try {
            call.get();
            return StatusCode.OK;
        } catch (RpcException e) {
            return e.code();
        }
    }
}
