package io.rpcnet.session;

import io.rpcnet.client.CallOptions;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.Blocking;
import io.rpcnet.testing.RpcFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The refusals of a worker for sessions in the middle of a move, through a real server over QUIC + TLS on
 * 127.0.0.1: MOVED for a handed-over session, UNAVAILABLE (not processed) for a frozen one, SESSION_LOST for
 * one it does not hold (a staged, detached one included).
 */
class SessionMoveServerTest {

    /** A service keeping a counter in session state. */
    public interface Counter {
        String open();

        int increment();

        /** Runs on the handler executor (so a test can hold it in the queue). */
        @Blocking
        CompletableFuture<Integer> incrementAsync();
    }

    final class CounterImpl implements Counter {
        @Override
        public String open() {
            return sessions.create().id();
        }

        @Override
        public int increment() {
            handlerRuns.incrementAndGet();
            RpcSession session = RpcSession.require();
            int next = session.getOrDefault("counter", Integer.class, 0) + 1;
            session.put("counter", next);
            return next;
        }

        @Override
        public CompletableFuture<Integer> incrementAsync() {
            return CompletableFuture.completedFuture(increment());
        }
    }

    private final TestClock clock = new TestClock();
    private final SessionManager sessions = SessionManager.builder("worker-1").clock(clock)
            .movedGrace(Duration.ofSeconds(60)).build();
    private final AtomicInteger handlerRuns = new AtomicInteger();
    /** Session ids user interceptors saw (they run inside the session binding). */
    private final List<String> seenByInterceptor = new CopyOnWriteArrayList<>();
    /** The trailers of the last call the client finished. */
    private final AtomicReference<Metadata> lastTrailers = new AtomicReference<>();
    private final AtomicInteger handlerTasks = new AtomicInteger();
    private final ExecutorService handlerThread = Executors.newSingleThreadExecutor();
    private RpcFixture rpc;

    private void start() {
        rpc = new RpcFixture(server -> server
                .addService(Counter.class, new CounterImpl())
                .executor(task -> {
                    handlerTasks.incrementAndGet();
                    handlerThread.execute(task);
                })
                .interceptor(invocation -> {
                    seenByInterceptor.add(String.valueOf(invocation.context().sessionId()));
                    return invocation.proceed();
                })
                .sessions(sessions),
                client -> client.interceptor(call -> call.onClose(status -> lastTrailers.set(call.trailers()))));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (rpc != null) {
            rpc.close();
        }
        handlerThread.shutdownNow();
        assertThat(handlerThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private Counter counter(String sessionId) {
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
        return rpc.client.proxy(Counter.class, sessionId == null ? options : options.withSessionId(sessionId));
    }

    private static Status failure(Runnable call) {
        AtomicReference<Status> status = new AtomicReference<>();
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RpcException.class, e -> status.set(e.status()));
        return status.get();
    }

    @Test
    void aFrozenSessionIsUnavailableNotProcessedAndServedAgainWithItsStateAfterUnfreeze() {
        start();
        String id = counter(null).open();
        counter(id).increment();
        counter(id).increment();
        int runs = handlerRuns.get();
        seenByInterceptor.clear();

        assertThat(sessions.freeze(id)).isTrue();
        Status refused = failure(() -> counter(id).increment());
        assertThat(refused.code()).isEqualTo(StatusCode.UNAVAILABLE);
        assertThat(refused.wasNotProcessed()).isTrue();
        assertThat(refused.message()).contains("session '" + id + "' is being moved");
        assertThat(handlerRuns.get()).isEqualTo(runs);
        assertThat(seenByInterceptor).isEmpty(); // refused when it arrived, before any work
        assertThat(sessions.find(id).orElseThrow().version()).isEqualTo(2);

        assertThat(sessions.unfreeze(id)).isTrue();
        assertThat(counter(id).increment()).isEqualTo(3);
    }

    @Test
    void aHandedOverSessionIsMovedNamingTheNewOwnerUntilTheGraceEndsThenSessionLost() {
        start();
        String moved = counter(null).open();
        String stays = counter(null).open();
        counter(moved).increment();
        int runs = handlerRuns.get();
        seenByInterceptor.clear();

        sessions.freeze(moved);
        assertThat(sessions.handOver(moved, "worker-2", 2)).isTrue();
        Status answer = failure(() -> counter(moved).increment());
        Metadata trailers = lastTrailers.get();
        assertThat(answer.code()).isEqualTo(StatusCode.MOVED);
        assertThat(answer.wasNotProcessed()).isFalse();
        assertThat(answer.message()).contains("session '" + moved + "'").endsWith(" moved to worker-2");
        assertThat(Moved.newOwner(answer, trailers)).contains(MemberId.of("worker-2"));
        assertThat(Moved.newOwner(trailers)).contains(MemberId.of("worker-2")); // the trailer, not only the message
        assertThat(trailers.get(Moved.EPOCH_TRAILER)).isEqualTo("2");
        assertThat(handlerRuns.get()).isEqualTo(runs);
        assertThat(seenByInterceptor).isEmpty();

        // another session on the same connection is unaffected
        assertThat(counter(stays).increment()).isEqualTo(1);
        assertThat(counter(stays).increment()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(59));
        assertThat(failure(() -> counter(moved).increment()).code()).isEqualTo(StatusCode.MOVED);
        clock.advance(Duration.ofSeconds(1));
        Status lost = failure(() -> counter(moved).increment());
        assertThat(lost.code()).isEqualTo(StatusCode.SESSION_LOST);
        assertThat(lost.message()).contains(moved).contains("worker-1");
        assertThat(Moved.newOwner(lastTrailers.get())).isEmpty();
        assertThat(handlerRuns.get()).isEqualTo(runs + 2);
    }

    @Test
    void aDetachedSessionIsSessionLostUntilImported() {
        start();
        SessionManager source = SessionManager.builder("worker-0").build();
        RpcSession original = source.create();
        original.put("counter", 41);

        RpcSession staged = sessions.detached(original.state());
        assertThat(failure(() -> counter(original.id()).increment()).code()).isEqualTo(StatusCode.SESSION_LOST);
        assertThat(handlerRuns.get()).isZero();

        sessions.importState(staged.state().withEpoch(2));
        staged.close();
        assertThat(counter(original.id()).increment()).isEqualTo(42);
        assertThat(sessions.find(original.id()).orElseThrow().epoch()).isEqualTo(2);
    }

    @Test
    void aCallWaitingForAHandlerThreadIsRefusedIfItsSessionIsFrozenMeanwhile() throws Exception {
        start();
        String id = counter(null).open();
        CountDownLatch release = new CountDownLatch(1);
        handlerThread.execute(() -> awaitQuietly(release)); // the only handler thread is busy
        int tasks = handlerTasks.get();

        CompletableFuture<Integer> waiting = counter(id).incrementAsync();
        await().atMost(Duration.ofSeconds(10)).until(() -> handlerTasks.get() > tasks); // accepted and queued
        sessions.freeze(id);
        release.countDown();

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
                    assertThat(e.wasNotProcessed()).isTrue();
                });
        assertThat(handlerRuns.get()).isZero();
        assertThat(seenByInterceptor).containsOnly("null"); // only open() got past the binding
    }

    @Test
    void aCallWaitingForAHandlerThreadIsMovedIfItsSessionIsHandedOverMeanwhile() throws Exception {
        start();
        String id = counter(null).open();
        CountDownLatch release = new CountDownLatch(1);
        handlerThread.execute(() -> awaitQuietly(release));
        int tasks = handlerTasks.get();

        CompletableFuture<Integer> waiting = counter(id).incrementAsync();
        await().atMost(Duration.ofSeconds(10)).until(() -> handlerTasks.get() > tasks);
        sessions.handOver(id, "worker-3", 5);
        release.countDown();

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.MOVED);
                    assertThat(Moved.newOwner(e.status(), null)).contains(MemberId.of("worker-3"));
                });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Metadata trailers = lastTrailers.get();
            assertThat(Moved.newOwner(trailers)).contains(MemberId.of("worker-3"));
            assertThat(trailers.get(Moved.EPOCH_TRAILER)).isEqualTo("5");
        });
        assertThat(handlerRuns.get()).isZero();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
