package io.rpcnet.server;

import io.rpcnet.client.CallOptions;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.RpcFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class InterceptorTest {

    /** What the server interceptors saw, in order. */
    private final List<String> serverEvents = new CopyOnWriteArrayList<>();
    /** Close statuses the client interceptor observed, in order. */
    private final List<Status> closes = new CopyOnWriteArrayList<>();
    private final AtomicInteger clientIntercepted = new AtomicInteger();

    private RpcFixture rpc;
    private EchoService echo;

    @BeforeEach
    void start() {
        rpc = new RpcFixture(server -> server
                        .interceptor(invocation -> {
                            String method = invocation.context().method().methodName();
                            serverEvents.add("outer>" + method);
                            try {
                                return invocation.proceed();
                            } finally {
                                serverEvents.add("outer<" + method);
                            }
                        })
                        .interceptor(invocation -> {
                            String method = invocation.context().method().methodName();
                            // the second interceptor runs inside the first, on the handler's thread
                            assertThat(CallContext.current()).isSameAs(invocation.context());
                            if ("deny".equals(invocation.context().metadata().get("x-auth"))) {
                                serverEvents.add("denied " + method);
                                throw new RpcException(StatusCode.PERMISSION_DENIED, "no access to " + method);
                            }
                            serverEvents.add("inner>" + method + invocation.arguments().length);
                            Object result = invocation.proceed();
                            serverEvents.add("inner<" + method);
                            return result;
                        }),
                client -> client
                        .interceptor(call -> {
                            clientIntercepted.incrementAndGet();
                            call.metadata().put("x-trace", "trace-" + call.method().methodName());
                            call.onClose(closes::add);
                        })
                        .interceptor(call -> {
                            if (call.options().metadata().containsKey("x-refuse")) {
                                throw new RpcException(StatusCode.FAILED_PRECONDITION, "refused by the client");
                            }
                            // later interceptors see what earlier ones added
                            call.metadata().put("x-seen", call.metadata().get("x-trace"));
                        }));
        echo = rpc.echo();
    }

    @AfterEach
    void stop() {
        rpc.close();
    }

    @Test
    void serverInterceptorsRunInOrderAroundTheHandler() {
        assertThat(echo.echo(new Message("hi", 1))).isEqualTo(new Message("hi", 1));
        assertThat(serverEvents).containsExactly("outer>echo", "inner>echo1", "inner<echo", "outer<echo");
    }

    @Test
    void serverInterceptorsWrapStreamingCallsToo() throws Exception {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        List<Message> received = new CopyOnWriteArrayList<>();
        echo.count(new Message("s", 3), new StreamObserver<>() {
            public void onNext(Message value) {
                received.add(value);
            }

            public void onError(Throwable error) {
                done.complete(error);
            }

            public void onCompleted() {
                done.complete(null);
            }
        });
        assertThat(done.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(received).hasSize(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> serverEvents.size() == 4);
        assertThat(serverEvents).containsExactly("outer>count", "inner>count2", "inner<count", "outer<count");
    }

    @Test
    void serverInterceptorRejectsWithAStatusThatReachesTheClient() {
        EchoService denied = rpc.client.proxy(EchoService.class, CallOptions.DEFAULT.withMetadata("x-auth", "deny"));
        assertThatThrownBy(() -> denied.slow(10_000)).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.PERMISSION_DENIED);
            assertThat(e.status().message()).isEqualTo("no access to slow");
        });
        // the handler never ran, the outer interceptor saw the rejection pass through
        assertThat(rpc.service.slowStarted.getCount()).isEqualTo(1);
        assertThat(serverEvents).containsExactly("outer>slow", "denied slow", "outer<slow");
        assertThat(closes).extracting(Status::code).containsExactly(StatusCode.PERMISSION_DENIED);
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.activeCalls() == 0);
        assertThat(echo.ping()).isEqualTo("pong");
    }

    @Test
    void serverInterceptorRejectsAStreamingCall() throws Exception {
        EchoService denied = rpc.client.proxy(EchoService.class, CallOptions.DEFAULT.withMetadata("x-auth", "deny"));
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        AtomicInteger received = new AtomicInteger();
        denied.count(new Message("s", 3), new StreamObserver<>() {
            public void onNext(Message value) {
                received.incrementAndGet();
            }

            public void onError(Throwable error) {
                done.complete(error);
            }

            public void onCompleted() {
                done.complete(null);
            }
        });
        assertThat(done.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.PERMISSION_DENIED));
        assertThat(received).hasValue(0);
        assertThat(rpc.service.streamedSent).hasValue(0);
    }

    @Test
    void clientInterceptorsAddMetadataTheServerSees() {
        assertThat(echo.metadataEcho("x-trace")).containsExactly("trace-metadataEcho", "false");
        assertThat(echo.metadataEcho("x-seen")).containsExactly("trace-metadataEcho", "false");
        // metadata from the call options travels along with the interceptors' entries
        EchoService tagged = rpc.client.proxy(EchoService.class, CallOptions.DEFAULT.withMetadata("x-tenant", "t1"));
        assertThat(tagged.metadataEcho("x-tenant")).containsExactly("t1", "false");
        assertThat(tagged.metadataEcho("x-trace")).containsExactly("trace-metadataEcho", "false");
    }

    @Test
    void clientInterceptorObservesTheCloseStatus() throws Exception {
        assertThat(echo.ping()).isEqualTo("pong");
        assertThatThrownBy(() -> echo.fail("rpc")).isInstanceOf(RpcException.class);
        assertThat(echo.echoAsync(new Message("a", 1)).get(5, TimeUnit.SECONDS)).isEqualTo(new Message("a!", 2));

        assertThat(closes).hasSize(3);
        assertThat(closes.get(0).code()).isEqualTo(StatusCode.OK);
        assertThat(closes.get(1).code()).isEqualTo(StatusCode.FAILED_PRECONDITION);
        assertThat(closes.get(1).message()).isEqualTo("precondition not met");
        assertThat(closes.get(2).code()).isEqualTo(StatusCode.OK);
        assertThat(clientIntercepted).hasValue(3);
    }

    @Test
    void clientInterceptorCanFailACallBeforeItIsSent() {
        EchoService refused = rpc.client.proxy(EchoService.class, CallOptions.DEFAULT.withMetadata("x-refuse", "1"));
        assertThatThrownBy(() -> refused.echo(new Message("x", 1))).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.FAILED_PRECONDITION);
            assertThat(e.status().message()).isEqualTo("refused by the client");
        });
        assertThat(refused.echoAsync(new Message("x", 1))).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().havingCause().isInstanceOf(RpcException.class);
        assertThat(serverEvents).as("the server never saw the refused calls").isEmpty();
        assertThat(echo.ping()).isEqualTo("pong");
        assertThat(serverEvents).containsExactly("outer>ping", "inner>ping0", "inner<ping", "outer<ping");
    }
}
