package io.rpcnet.client;

import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.RpcName;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.ContextProbe;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.MessageCollector;
import io.rpcnet.testing.RpcFixture;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class DeadlineTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);

    /** The server's {@code EchoService/slow}, called asynchronously (same wire method, async Java signature). */
    @RpcName("EchoService")
    interface AsyncSlow {
        CompletableFuture<String> slow(long millis);
    }

    private RpcFixture rpc;
    private EchoService withDeadline;

    @BeforeEach
    void start() {
        rpc = new RpcFixture(b -> b.addService(ContextProbe.class, new ContextProbe.Impl()), b -> b);
        withDeadline = rpc.client.proxy(EchoService.class, CallOptions.DEFAULT.withTimeout(TIMEOUT));
    }

    @AfterEach
    void stop() {
        rpc.close();
    }

    @Test
    void blockingCallFailsWithDeadlineExceededAndTheHandlerIsCancelled() throws Exception {
        long started = System.nanoTime();
        assertThatThrownBy(() -> withDeadline.slow(10_000)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(20)).isLessThan(Duration.ofSeconds(5));

        assertThat(rpc.service.slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(rpc.service.slowCancelledWith.get().code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.activeCalls() == 0);
        assertThat(rpc.echo().ping()).isEqualTo("pong");
    }

    @Test
    void fastCallWithinTheDeadlineSucceeds() {
        assertThat(withDeadline.echo(new Message("quick", 1))).isEqualTo(new Message("quick", 1));
        assertThat(withDeadline.slow(1)).isEqualTo("done");
        assertThat(rpc.service.slowCancelledWith.get()).isNull();
    }

    @Test
    void deadlineIsPropagatedToTheServer() {
        assertThat(withDeadline.metadataEcho("x")).containsExactly("null", "true");
        assertThat(rpc.echo().metadataEcho("x")).containsExactly("null", "false");
    }

    @Test
    void handlerSeesTheRemainingTimeOfTheCallersDeadline() {
        ContextProbe probe = rpc.client.proxy(ContextProbe.class, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(3)));
        long remaining = probe.remainingDeadlineMicros();
        assertThat(remaining).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(3).toNanos() / 1_000);
        // a short deadline travels as itself, not as some default
        ContextProbe shortProbe = rpc.client.proxy(ContextProbe.class,
                CallOptions.DEFAULT.withTimeout(Duration.ofMillis(900)));
        assertThat(shortProbe.remainingDeadlineMicros()).isPositive().isLessThanOrEqualTo(900_000);
        assertThat(rpc.client.proxy(ContextProbe.class).remainingDeadlineMicros()).isEqualTo(-1);
    }

    @Test
    void serverStreamingCallEndsWithDeadlineExceeded() throws Exception {
        MessageCollector warmUp = new MessageCollector();
        rpc.echo().count(new Message("w", 1), warmUp);
        assertThat(warmUp.done.get(5, TimeUnit.SECONDS)).isNull();

        MessageCollector collector = new MessageCollector();
        EchoService streamWithDeadline = rpc.client.proxy(EchoService.class,
                CallOptions.DEFAULT.withTimeout(Duration.ofMillis(500)));
        long started = System.nanoTime();
        // ~1 GB of responses, far more than can be sent in 500 ms: the deadline ends the call, not the stream
        int total = 10_000_000;
        streamWithDeadline.count(new Message("d".repeat(100), total), collector);
        Throwable error = collector.done.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(error).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
        assertThat(collector.values).hasSizeLessThan(total);
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.service.streamCancelledWith.get() != null);
        assertThat(rpc.service.streamCancelledWith.get().code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.activeCalls() == 0);
        assertThat(rpc.echo().ping()).isEqualTo("pong");
    }

    @Test
    void asyncCallCompletesExceptionallyWithDeadlineExceeded() throws Exception {
        AsyncSlow slow = rpc.client.proxy(AsyncSlow.class, CallOptions.DEFAULT.withTimeout(TIMEOUT));
        CompletableFuture<String> future = slow.slow(10_000);
        assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
        assertThat(rpc.service.slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(rpc.service.slowCancelledWith.get().code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
        // the same method without a deadline still answers
        assertThat(rpc.client.proxy(AsyncSlow.class).slow(1).get(5, TimeUnit.SECONDS)).isEqualTo("done");
    }

    /**
     * A caller that puts a deadline on the wire but keeps no timer of its own (raw transport call, never
     * cancelled): the server must end the call by itself with DEADLINE_EXCEEDED.
     */
    @Test
    void serverEnforcesTheWireDeadlineWithoutTheClientCancelling() throws Exception {
        QuicClientEndpoint endpoint = new QuicClientEndpoint(TestTls.client(), TransportSettings.defaults());
        try {
            ClientConnection connection = endpoint.connect("localhost", rpc.server.port(), List.of());
            try {
                AtomicInteger messages = new AtomicInteger();
                CompletableFuture<Status> closed = new CompletableFuture<>();
                ClientCallListener listener = new ClientCallListener() {
                    @Override
                    public void onMessage(InboundMessage message) {
                        messages.incrementAndGet();
                        message.release();
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed.complete(status);
                    }
                };
                long started = System.nanoTime();
                connection.startCall(new CallHeader("EchoService/slow", TIMEOUT.toNanos() / 1_000, null,
                                Metadata.empty()), false,
                        PayloadWriter.ofBytes("10000".getBytes(StandardCharsets.US_ASCII)), true, listener);

                Status status = closed.get(5, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .isGreaterThanOrEqualTo(TIMEOUT.minusMillis(20)).isLessThan(Duration.ofSeconds(5));
                assertThat(status.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
                assertThat(status.message()).contains("deadline of 200 ms exceeded on the server");
                assertThat(messages).hasValue(0);

                assertThat(rpc.service.slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
                Status seen = rpc.service.slowCancelledWith.get();
                assertThat(seen.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
                assertThat(seen.message()).contains("on the server");
                await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.activeCalls() == 0);
            } finally {
                connection.close();
            }
        } finally {
            endpoint.close();
        }
    }

}
