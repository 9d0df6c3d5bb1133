package io.rpcnet.client;

import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.RpcName;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.MessageCollector;
import io.rpcnet.testing.RpcFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class CancellationTest {

    /** The server's {@code EchoService/slow}, called asynchronously (same wire method, async Java signature). */
    @RpcName("EchoService")
    interface AsyncSlow {
        CompletableFuture<String> slow(long millis);
    }

    private RpcFixture rpc;
    private EchoService echo;

    @BeforeEach
    void start() {
        rpc = new RpcFixture();
        echo = rpc.echo();
    }

    @AfterEach
    void stop() {
        rpc.close();
    }

    @Test
    void cancellingAnAsyncFutureCancelsTheHandler() throws Exception {
        CompletableFuture<String> future = rpc.client.proxy(AsyncSlow.class).slow(10_000);
        assertThat(rpc.service.slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(rpc.server.activeCalls()).isEqualTo(1);

        assertThat(future.cancel(true)).isTrue();

        assertThat(future).isCancelled();
        assertThatThrownBy(() -> future.get(1, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        assertThat(rpc.service.slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(rpc.service.slowCancelledWith.get().code()).isEqualTo(StatusCode.CANCELLED);
        assertStillUsable();
    }

    @Test
    void interruptingABlockedCallerCancelsTheCall() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        AtomicReference<String> result = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                result.set(echo.slow(10_000));
            } catch (Throwable t) {
                thrown.set(t);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        }, "blocked-caller");
        caller.start();
        assertThat(rpc.service.slowStarted.await(5, TimeUnit.SECONDS)).isTrue();

        long interruptedAt = System.nanoTime();
        caller.interrupt();
        caller.join(5_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(Duration.ofSeconds(5));
        assertThat(result.get()).isNull();
        assertThat(thrown.get()).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.CANCELLED));
        assertThat(stillInterrupted).as("the interrupt flag is restored for the caller").isTrue();
        assertThat(rpc.service.slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(rpc.service.slowCancelledWith.get().code()).isEqualTo(StatusCode.CANCELLED);
        assertStillUsable();
    }

    @Test
    void bidiCallCancelledThroughTheRequestObserverReachesTheServer() throws Exception {
        MessageCollector responses = new MessageCollector();
        StreamObserver<Message> requests = echo.chat(responses);
        requests.onNext(new Message("first", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> !responses.values.isEmpty());
        assertThat(responses.values).containsExactly(new Message("re: first", 2));
        assertThat(rpc.server.activeCalls()).isEqualTo(1);

        requests.onError(new IllegalStateException("client gave up"));

        Throwable error = responses.done.get(5, TimeUnit.SECONDS);
        assertThat(error).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.CANCELLED));
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.service.streamCancelledWith.get() != null);
        Status seen = rpc.service.streamCancelledWith.get();
        assertThat(seen.code()).isEqualTo(StatusCode.CANCELLED);
        assertThat(seen.message()).contains("client gave up");
        // the call is over: sending more is refused with the call's status, nothing more arrives
        assertThatThrownBy(() -> requests.onNext(new Message("late", 3))).isInstanceOfSatisfying(
                RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.CANCELLED));
        assertThat(responses.values).hasSize(1);
        assertStillUsable();
    }

    @Test
    void cancellingAFinishedFutureChangesNothing() throws Exception {
        CompletableFuture<String> future = rpc.client.proxy(AsyncSlow.class).slow(1);
        assertThat(future.get(5, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(future.cancel(true)).isFalse();
        assertThat(rpc.service.slowCancelledWith.get()).isNull();
        assertStillUsable();
    }

    private void assertStillUsable() {
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.activeCalls() == 0);
        assertThat(echo.echo(new Message("after", 7))).isEqualTo(new Message("after", 7));
        MessageCollector counted = new MessageCollector();
        echo.count(new Message("n", 3), counted);
        assertThat(counted.done).succeedsWithin(Duration.ofSeconds(5)).isNull();
        assertThat(counted.values).extracting(Message::number).containsExactly(1, 2, 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.activeCalls() == 0);
    }

}
