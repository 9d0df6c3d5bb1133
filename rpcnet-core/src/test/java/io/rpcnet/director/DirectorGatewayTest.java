package io.rpcnet.director;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.session.Moved;
import io.rpcnet.server.RpcServer;
import io.rpcnet.service.RpcName;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.EchoServiceImpl;
import io.rpcnet.testing.MessageCollector;
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class DirectorGatewayTest {

    /** Names the worker that served the call. */
    @RpcName("WhoAmI")
    public interface WhoAmI {
        String name();
    }

    @RpcName("EchoService")
    interface AsyncSlow {
        CompletableFuture<String> slow(long millis);
    }

    private static final MemberId W1 = GatewayFixture.W1;
    private static final MemberId W2 = GatewayFixture.W2;

    private final EchoServiceImpl echo1 = new EchoServiceImpl();
    private final EchoServiceImpl echo2 = new EchoServiceImpl();
    private GatewayFixture fixture;
    private WorkerRegistry registry;
    private RoutingTable routes;
    private RpcServer worker1;
    private RpcServer worker2;
    private DirectorGateway gateway;
    private RpcClient client;

    @BeforeEach
    void start() {
        worker1 = worker("w1", echo1);
        worker2 = worker("w2", echo2);
        fixture = new GatewayFixture(worker1, worker2, UnaryOperator.identity());
        registry = fixture.registry;
        routes = fixture.routes;
        gateway = fixture.gateway;
        client = fixture.client;
    }

    private RpcServer worker(String name, EchoServiceImpl echo) {
        return GatewayFixture.worker(b -> b.addService(EchoService.class, echo)
                        .addService(WhoAmI.class, (WhoAmI) () -> name));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private <T> T proxy(Class<T> type, String session) {
        return client.proxy(type, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)).withSessionId(session));
    }

    private void assertQuiet() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(gateway.activeCalls()).isZero();
            assertThat(worker1.activeCalls()).isZero();
            assertThat(worker2.activeCalls()).isZero();
        });
    }

    @Test
    void everyCallShapeIsForwarded() throws Exception {
        EchoService echo = client.proxy(EchoService.class);
        assertThat(echo.echo(new Message("hi", 7))).isEqualTo(new Message("hi", 7));
        assertThat(echo.ping()).isEqualTo("pong");
        assertThat(echo.echoAsync(new Message("a", 1)).get(10, TimeUnit.SECONDS)).isEqualTo(new Message("a!", 2));
        byte[] big = new byte[300_000];
        new java.util.Random(1).nextBytes(big);
        assertThat(echo.echoBytes(big)).isEqualTo(big);

        MessageCollector counted = new MessageCollector();
        echo.count(new Message("n", 500), counted);
        assertThat(counted.done.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(counted.values.stream().map(Message::number).toList())
                .isEqualTo(IntStream.rangeClosed(1, 500).boxed().toList());

        assertThat(echo.sum(IntStream.rangeClosed(1, 1000).mapToObj(i -> new Message("x", i))))
                .isEqualTo(new Message("sum of 1000", 500_500));

        MessageCollector replies = new MessageCollector();
        StreamObserver<Message> requests = echo.chat(replies);
        for (int i = 1; i <= 100; i++) {
            requests.onNext(new Message("m" + i, i));
        }
        requests.onCompleted();
        assertThat(replies.done.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(replies.values).hasSize(100);
        assertThat(replies.values.get(99)).isEqualTo(new Message("re: m100", 200));

        EchoService withMetadata = client.proxy(EchoService.class, CallOptions.DEFAULT
                .withTimeout(Duration.ofSeconds(5)).withMetadata("x-tenant", "t1"));
        assertThat(withMetadata.metadataEcho("x-tenant")).containsExactly("t1", "true");

        assertThatThrownBy(() -> echo.fail("rpc")).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.FAILED_PRECONDITION));
        assertQuiet();
    }

    @Test
    void callsWithoutASessionAreBalancedOverTheWorkers() {
        WhoAmI who = client.proxy(WhoAmI.class);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(who.name());
        }
        assertThat(seen).containsExactlyInAnyOrder("w1", "w2");
    }

    @Test
    void aSessionReachesItsOwnerAndFollowsASwitch() {
        routes.assign("sess-a", W1, 1);
        WhoAmI who = proxy(WhoAmI.class, "sess-a");
        for (int i = 0; i < 10; i++) {
            assertThat(who.name()).isEqualTo("w1");
        }
        assertThat(routes.switchOwner("sess-a", W1, 1, W2)).contains(new RoutingTable.Route(W2, 2));
        assertThat(routes.switchOwner("sess-a", W1, 1, W2)).as("CAS on a stale route").isEmpty();
        for (int i = 0; i < 10; i++) {
            assertThat(who.name()).isEqualTo("w2");
        }
        MessageCollector counted = new MessageCollector();
        proxy(EchoService.class, "sess-a").count(new Message("s", 3), counted);
        await().atMost(Duration.ofSeconds(5)).until(counted.done::isDone);
        assertThat(counted.values).hasSize(3);
        assertThat(echo2.streamedSent.get()).isEqualTo(3);
        assertThat(echo1.streamedSent.get()).isZero();
    }

    @Test
    void anUnknownSessionIsSessionLost() {
        assertThatThrownBy(() -> proxy(WhoAmI.class, "no-such-session").name())
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.SESSION_LOST));
        MessageCollector counted = new MessageCollector();
        proxy(EchoService.class, "no-such-session").count(new Message("s", 3), counted);
        await().atMost(Duration.ofSeconds(5)).until(counted.done::isDone);
        assertThat(counted.done.join()).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.SESSION_LOST));
    }

    @Test
    void aWorkerThatIsDownIsUnavailableAndTheCallWasNotProcessed() {
        RpcServer ghost = worker("ghost", new EchoServiceImpl());
        int port = ghost.port();
        ghost.close();
        MemberId ghostId = MemberId.of("ghost");
        registry.upsert(MemberUpdate.builder(ghostId, "127.0.0.1:" + port).tags(Map.of("role", "spare")).build(),
                System.nanoTime());
        routes.assign("sess-ghost", ghostId, 1);
        assertThatThrownBy(() -> proxy(WhoAmI.class, "sess-ghost").name())
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
                    assertThat(e.status().wasNotProcessed()).as("never sent: %s", e.status()).isTrue();
                });

        // a worker that was in use goes away: its pooled connection is dropped, then calls fail fast
        routes.assign("sess-b", W2, 1);
        assertThat(proxy(WhoAmI.class, "sess-b").name()).isEqualTo("w2");
        worker2.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !gateway.isConnectedTo(W2));
        assertThatThrownBy(() -> proxy(WhoAmI.class, "sess-b").name())
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE));
        routes.assign("sess-c", W1, 1);
        assertThat(proxy(WhoAmI.class, "sess-c").name()).isEqualTo("w1");
        assertQuiet();
    }

    @Test
    void theDeadlineReachesTheWorkerHandler() throws Exception {
        routes.assign("sess-d", W1, 1);
        assertThat(proxy(EchoService.class, "sess-d").ping()).isNotNull(); // director→worker connection is up
        EchoService echo = client.proxy(EchoService.class, CallOptions.DEFAULT.withTimeout(Duration.ofMillis(800))
                .withSessionId("sess-d"));
        assertThatThrownBy(() -> echo.slow(10_000)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
        assertThat(echo1.slowStarted.await(5, TimeUnit.SECONDS)).as("the call reached the worker").isTrue();
        assertThat(echo1.slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(echo1.slowCancelledWith.get().code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
        assertThat(proxy(EchoService.class, "sess-d").metadataEcho("x")).containsExactly("null", "true");
        assertQuiet();
    }

    @Test
    void cancellingTheClientCallCancelsTheWorkerHandler() throws Exception {
        routes.assign("sess-e", W2, 1);
        CompletableFuture<String> future = proxy(AsyncSlow.class, "sess-e").slow(10_000);
        assertThat(echo2.slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(future.cancel(true)).isTrue();
        assertThat(echo2.slowCancelled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(echo2.slowCancelledWith.get().code()).isEqualTo(StatusCode.CANCELLED);

        // a bidi call cancelled by the client ends on the worker too
        MessageCollector replies = new MessageCollector();
        StreamObserver<Message> requests = proxy(EchoService.class, "sess-e").chat(replies);
        requests.onNext(new Message("one", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> replies.values.size() == 1);
        requests.onError(new IllegalStateException("client gave up"));
        await().atMost(Duration.ofSeconds(5)).until(() -> echo2.streamCancelledWith.get() != null);
        assertThat(echo2.streamCancelledWith.get().code()).isEqualTo(StatusCode.CANCELLED);
        assertQuiet();
    }

    @Test
    void aMovedAnswerIsReRoutedOnce() {
        MemberId oldId = MemberId.of("old");
        // an old owner answers MOVED for the sessions it gave away
        RpcServer old = RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(TestTls.server())
                .shutdownGracePeriod(Duration.ofMillis(200))
                .addService(WhoAmI.class, (WhoAmI) () -> "old")
                .interceptor(invocation -> {
                    String session = invocation.context().sessionId();
                    if ("sess-table".equals(session)) { // the director switched the route while the call was in flight
                        routes.switchOwner(session, oldId, 4, W1);
                        throw new RpcException(io.rpcnet.protocol.Status.of(StatusCode.MOVED, "gone"));
                    }
                    if ("sess-named".equals(session)) { // the old owner names the new one
                        throw new RpcException(Moved.status(session, W2));
                    }
                    if ("sess-nowhere".equals(session)) {
                        throw new RpcException(io.rpcnet.protocol.Status.of(StatusCode.MOVED, "gone"));
                    }
                    return invocation.proceed();
                })
                .build().start();
        try {
            registry.upsert(MemberUpdate.builder(oldId, "127.0.0.1:" + old.port())
                    .tags(Map.of("role", "spare")).build(), System.nanoTime());
            routes.assign("sess-table", oldId, 4);
            assertThat(proxy(WhoAmI.class, "sess-table").name()).isEqualTo("w1");

            routes.assign("sess-named", oldId, 7);
            assertThat(proxy(WhoAmI.class, "sess-named").name()).isEqualTo("w2");
            assertThat(routes.route("sess-named")).contains(new RoutingTable.Route(W2, 8));

            routes.assign("sess-nowhere", oldId, 1);
            assertThatThrownBy(() -> proxy(WhoAmI.class, "sess-nowhere").name())
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.code()).isEqualTo(StatusCode.MOVED));
            routes.assign("sess-plain", oldId, 1);
            assertThat(proxy(WhoAmI.class, "sess-plain").name()).isEqualTo("old");
            assertQuiet();
        } finally {
            old.close();
        }
    }
}
