package io.rpcnet.director;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.server.CallContext;
import io.rpcnet.server.RpcServer;
import io.rpcnet.service.RpcName;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.EchoServiceImpl;
import io.rpcnet.testing.MessageCollector;
import io.rpcnet.testing.TestTls;
import io.rpcnet.transport.ClientCallListener;
import io.rpcnet.transport.ClientConnection;
import io.rpcnet.transport.InboundMessage;
import io.rpcnet.transport.PayloadWriter;
import io.rpcnet.transport.QuicClientEndpoint;
import io.rpcnet.transport.TransportSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static io.rpcnet.director.GatewayFixture.W1;
import static io.rpcnet.director.GatewayFixture.W2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Call holds at the director over real QUIC + TLS on 127.0.0.1: a held session's new calls wait in the
 * director, the calls in flight before the hold drain, and the release routes the waiting calls by the
 * routing table as it is then (the new owner after a switch, the old one after a rollback).
 */
class CallHoldTest {

    /** Names the worker; {@link #waitForGate} blocks until the test opens the worker's gate. */
    @RpcName("Gated")
    public interface Gated {
        String name();

        String waitForGate();
    }

    @RpcName("Gated")
    public interface AsyncGated {
        CompletableFuture<String> name();

        CompletableFuture<String> waitForGate();
    }

    static final class GatedImpl implements Gated {
        final String name;
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch waiting = new CountDownLatch(1);

        GatedImpl(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String waitForGate() {
            waiting.countDown();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return name;
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final GatedImpl gated1 = new GatedImpl("w1");
    private final GatedImpl gated2 = new GatedImpl("w2");
    /** "method@session" of every handler each worker ran. */
    private final List<String> ran1 = new CopyOnWriteArrayList<>();
    private final List<String> ran2 = new CopyOnWriteArrayList<>();
    private GatewayFixture fixture;
    private RoutingTable routes;
    private DirectorGateway gateway;
    private RpcClient client;

    @BeforeEach
    void start() {
        fixture = new GatewayFixture(worker(gated1, ran1), worker(gated2, ran2), UnaryOperator.identity());
        routes = fixture.routes;
        gateway = fixture.gateway;
        client = fixture.client;
        routes.assign("sess", W1, 1);
    }

    private static RpcServer worker(GatedImpl gated, List<String> ran) {
        return GatewayFixture.worker(b -> b.addService(Gated.class, gated)
                .addService(EchoService.class, new EchoServiceImpl())
                .interceptor(invocation -> {
                    CallContext context = invocation.context();
                    ran.add(context.method().methodName() + "@" + context.sessionId());
                    return invocation.proceed();
                }));
    }

    @AfterEach
    void stop() {
        gated1.gate.countDown();
        gated2.gate.countDown();
        fixture.close();
    }

    private AsyncGated gated(String session) {
        CallOptions options = CallOptions.DEFAULT.withTimeout(WAIT);
        return client.proxy(AsyncGated.class, session == null ? options : options.withSessionId(session));
    }

    private EchoService echo(String session) {
        return client.proxy(EchoService.class, CallOptions.DEFAULT.withTimeout(WAIT).withSessionId(session));
    }

    /** Every call over, nothing left in the gateway's per-session bookkeeping. */
    private void assertQuiet() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(gateway.activeCalls()).isZero();
            assertThat(gateway.sessionGates().size()).as("per-session entries").isZero();
            assertThat(gateway.inFlight("sess")).isZero();
            assertThat(fixture.worker1.activeCalls()).isZero();
            assertThat(fixture.worker2.activeCalls()).isZero();
        });
    }

    @Test
    void aHeldCallWaitsAndAfterASwitchRunsOnTheNewOwner() throws Exception {
        assertThat(gated("sess").name().get(10, TimeUnit.SECONDS)).isEqualTo("w1");
        CallHold hold = gateway.hold("sess");
        assertThat(hold.inFlightDrained()).as("nothing in flight").isCompleted();
        assertThat(hold.inFlight()).isZero();

        CompletableFuture<String> held = gated("sess").name();
        await().atMost(WAIT).until(() -> hold.heldCalls() == 1);
        assertThat(held).isNotDone();
        assertThat(ran1).containsExactly("name@sess");
        assertThat(ran2).isEmpty();
        assertThat(gateway.activeCalls()).isEqualTo(1);

        assertThat(routes.switchOwner("sess", W1, 1, W2)).isPresent();
        assertThat(held).as("the switch alone releases nothing").isNotDone();
        hold.release();
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("w2");
        assertThat(ran1).containsExactly("name@sess");
        assertThat(ran2).containsExactly("name@sess");
        assertThat(hold.isReleased()).isTrue();
        assertThat(hold.heldCalls()).isZero();
        Duration lasted = hold.elapsed();
        assertThat(hold.elapsed()).as("frozen at the release").isEqualTo(lasted);
        assertThat(gated("sess").name().get(10, TimeUnit.SECONDS)).isEqualTo("w2");
        assertQuiet();
    }

    @Test
    void withoutASwitchHeldCallsRunOnTheOldOwnerWithTheirBufferedMessages() throws Exception {
        CallHold hold = gateway.hold("sess");
        CompletableFuture<String> unary = gated("sess").name();
        MessageCollector replies = new MessageCollector();
        StreamObserver<Message> requests = echo("sess").chat(replies);
        for (int i = 1; i <= 5; i++) {
            requests.onNext(new Message("m" + i, i)); // buffered in the director while held
        }
        requests.onCompleted();
        await().atMost(WAIT).until(() -> hold.heldCalls() == 2);
        assertThat(ran1).isEmpty();

        hold.release(); // a rollback: the route still names w1
        hold.release();
        assertThat(unary.get(10, TimeUnit.SECONDS)).isEqualTo("w1");
        assertThat(replies.done.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(replies.values).extracting(Message::text).containsExactly("re: m1", "re: m2", "re: m3", "re: m4",
                "re: m5");
        assertThat(ran1).containsExactlyInAnyOrder("name@sess", "chat@sess");
        assertThat(ran2).isEmpty();
        assertQuiet();
    }

    @Test
    void inFlightDrainedCompletesOnlyAfterTheCallsForwardedBeforeTheHoldEnd() throws Exception {
        CompletableFuture<String> slow = gated("sess").waitForGate();
        assertThat(gated1.waiting.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gateway.inFlight("sess")).isEqualTo(1);

        CallHold hold = gateway.hold("sess");
        CompletableFuture<Void> drained = hold.inFlightDrained();
        assertThat(hold.inFlight()).isEqualTo(1);
        CompletableFuture<String> held = gated("sess").name();
        await().atMost(WAIT).until(() -> hold.heldCalls() == 1);
        assertThat(drained).isNotDone();
        assertThat(hold.inFlight()).as("a held call is not in flight").isEqualTo(1);

        gated1.gate.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("w1");
        drained.get(10, TimeUnit.SECONDS);
        assertThat(hold.inFlight()).isZero();
        assertThat(held).isNotDone();
        assertThat(routes.switchOwner("sess", W1, 1, W2)).isPresent();
        hold.release();
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("w2");
        assertThat(ran1).containsExactly("waitForGate@sess");
        assertThat(ran2).containsExactly("name@sess");
        assertQuiet();
    }

    @Test
    void aHeldCallCancelledByItsClientIsDroppedAndLeaksNothing() throws Exception {
        CallHold hold = gateway.hold("sess");
        CompletableFuture<String> unary = gated("sess").name();
        MessageCollector replies = new MessageCollector();
        StreamObserver<Message> requests = echo("sess").chat(replies);
        requests.onNext(new Message("buffered", 1));
        requests.onNext(new Message("buffered", 2));
        await().atMost(WAIT).until(() -> hold.heldCalls() == 2);

        assertThat(unary.cancel(true)).isTrue();
        requests.onError(new IllegalStateException("client gave up"));
        await().atMost(WAIT).until(() -> hold.heldCalls() == 0);
        await().atMost(WAIT).until(() -> gateway.activeCalls() == 0);
        hold.release();

        assertThat(gated("sess").name().get(10, TimeUnit.SECONDS)).isEqualTo("w1");
        assertThat(ran1).as("only the call after the release ran").containsExactly("name@sess");
        assertThat(ran2).isEmpty();
        assertQuiet();
        client.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(gateway.openStreams()).isZero();
            assertThat(gateway.activeConnections()).isZero();
        });
    }

    @Test
    void aHeldCallWhoseDeadlinePassesEndsWithDeadlineExceeded() throws Exception {
        CallHold hold = gateway.hold("sess");
        // a raw transport call: the deadline is on the wire but the caller never cancels it itself
        QuicClientEndpoint endpoint = new QuicClientEndpoint(TestTls.client(), TransportSettings.defaults());
        try (ClientConnection connection = endpoint.connect("localhost", gateway.port(), List.of())) {
            CompletableFuture<Status> closed = new CompletableFuture<>();
            long started = System.nanoTime();
            connection.startCall(new CallHeader("EchoService/slow", 300_000, "sess", Metadata.empty()), false,
                    PayloadWriter.ofBytes("10".getBytes(StandardCharsets.US_ASCII)), true, new ClientCallListener() {
                        @Override
                        public void onMessage(InboundMessage message) {
                            message.release();
                        }

                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            closed.complete(status);
                        }
                    });
            Status status = closed.get(10, TimeUnit.SECONDS);
            assertThat(status.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
            assertThat(status.message()).contains("held").contains("sess");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(280));
            assertThat(hold.isReleased()).as("ended while still held").isFalse();
            assertThat(hold.heldCalls()).isZero();
        } finally {
            endpoint.close();
        }
        hold.release();
        assertThat(ran1).isEmpty();
        assertQuiet();
    }

    @Test
    void oneHoldPerSessionAndAnEarlyReleaseCancelsTheDrain() throws Exception {
        CompletableFuture<String> slow = gated("sess").waitForGate();
        assertThat(gated1.waiting.await(10, TimeUnit.SECONDS)).isTrue();
        CallHold hold = gateway.hold("sess");
        assertThatThrownBy(() -> gateway.hold("sess")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sess");
        CompletableFuture<Void> drained = hold.inFlightDrained();

        hold.release(); // e.g. the coordinator gave up waiting
        assertThatThrownBy(() -> drained.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class)
                .hasMessageContaining("released before its in-flight calls ended");
        assertThat(drained).isCompletedExceptionally();
        assertThat(gateway.inFlight("sess")).isEqualTo(1);

        CallHold again = gateway.hold("sess");
        assertThat(again.inFlightDrained()).isNotDone();
        gated1.gate.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("w1");
        again.inFlightDrained().get(10, TimeUnit.SECONDS);
        again.release();
        assertQuiet();
    }

    @Test
    void otherSessionsAndCallsWithoutASessionAreNotHeld() throws Exception {
        routes.assign("other", W2, 1);
        CallHold hold = gateway.hold("sess");
        CompletableFuture<String> held = gated("sess").name();
        await().atMost(WAIT).until(() -> hold.heldCalls() == 1);

        assertThat(gated("other").name().get(10, TimeUnit.SECONDS)).isEqualTo("w2");
        assertThat(gated(null).name().get(10, TimeUnit.SECONDS)).isIn("w1", "w2");
        CallHold otherHold = gateway.hold("other");
        assertThat(otherHold.inFlightDrained()).isCompleted();
        otherHold.release();
        assertThat(gated("other").name().get(10, TimeUnit.SECONDS)).isEqualTo("w2");
        assertThat(held).isNotDone();
        assertThat(hold.heldCalls()).isEqualTo(1);

        hold.release();
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("w1");
        assertQuiet();
    }

    @Test
    void releasingTheCallsOfASessionThatWasLostMeanwhileIsSessionLost() throws Exception {
        CallHold hold = gateway.hold("sess");
        CompletableFuture<String> held = gated("sess").name();
        await().atMost(WAIT).until(() -> hold.heldCalls() == 1);
        routes.remove("sess");
        hold.release();
        Throwable failure = held.handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertThat(failure instanceof CompletionException ? failure.getCause() : failure)
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.SESSION_LOST);
                    assertThat(e.getMessage()).contains("open a new session");
                });
        assertThat(ran1).isEmpty();
        assertQuiet();
    }

    @Test
    void everyCallIsEitherInFlightBeforeTheHoldOrHeld() throws Exception {
        int total = 150;
        List<CompletableFuture<String>> calls = new CopyOnWriteArrayList<>();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                calls.add(gated("sess").name());
            }
        }, "sender");
        sender.start();
        await().atMost(WAIT).until(() -> ran1.size() >= 5);
        CallHold hold = gateway.hold("sess"); // while calls keep arriving
        sender.join(WAIT.toMillis());
        hold.inFlightDrained().get(10, TimeUnit.SECONDS);
        int ranOnW1 = ran1.size();
        await().atMost(WAIT).until(() -> hold.heldCalls() + ranOnW1 == total);
        assertThat(routes.switchOwner("sess", W1, 1, W2)).isPresent();
        hold.release();

        for (CompletableFuture<String> call : calls) {
            assertThat(call.get(10, TimeUnit.SECONDS)).isIn("w1", "w2");
        }
        assertThat(calls).hasSize(total);
        assertThat(calls.stream().filter(c -> c.join().equals("w1")).count()).isEqualTo(ranOnW1);
        assertThat(ran1).as("nothing reached the old owner after the drain").hasSize(ranOnW1);
        assertThat(ran2).hasSize(total - ranOnW1);
        assertQuiet();
    }
}
