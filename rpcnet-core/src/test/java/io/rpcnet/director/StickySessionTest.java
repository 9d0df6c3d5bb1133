package io.rpcnet.director;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.server.CallContext;
import io.rpcnet.server.RpcServer;
import io.rpcnet.service.RpcName;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionManager;
import io.rpcnet.session.SessionTrailers;
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Sticky sessions through the director over real QUIC + TLS on 127.0.0.1: a worker announces the session a
 * call opened in the STATUS trailers, the director records the route and relays the trailers, and the
 * client sends the id with later calls, which then always reach the session's owner.
 */
class StickySessionTest {

    /** A tiny stateful service. */
    @RpcName("Sticky")
    public interface Sticky {
        /** Opens a session; returns its id. */
        String open();

        /** Increments the session's counter; returns it. */
        int increment();

        /** The worker serving the call. */
        String worker();
    }

    static final class StickyImpl implements Sticky {
        private final SessionManager sessions;

        StickyImpl(SessionManager sessions) {
            this.sessions = sessions;
        }

        @Override
        public String open() {
            RpcSession s = sessions.create();
            s.put("counter", 0);
            return s.id();
        }

        @Override
        public int increment() {
            RpcSession s = RpcSession.require();
            int next = s.getOrDefault("counter", Integer.class, 0) + 1;
            s.put("counter", next);
            return next;
        }

        @Override
        public String worker() {
            return sessions.workerId();
        }
    }

    private static final MemberId W1 = GatewayFixture.W1;
    private static final MemberId W2 = GatewayFixture.W2;

    private final SessionManager sessions1 = SessionManager.builder("w1").build();
    private final SessionManager sessions2 = SessionManager.builder("w2").build();
    /** The session ids each worker's handlers were called with. */
    private final List<String> seen1 = new CopyOnWriteArrayList<>();
    private final List<String> seen2 = new CopyOnWriteArrayList<>();
    /** The session id announced by the last call's trailers, or "none". */
    private final AtomicReference<String> announced = new AtomicReference<>();
    private GatewayFixture fixture;
    private WorkerRegistry registry;
    private RoutingTable routes;
    private RpcServer worker1;
    private RpcServer worker2;
    private DirectorGateway gateway;
    private RpcClient client;

    @BeforeEach
    void start() {
        worker1 = worker(sessions1, seen1);
        worker2 = worker(sessions2, seen2);
        fixture = new GatewayFixture(worker1, worker2, b -> b.interceptor(call -> call.onClose(status -> announced.set(
                SessionTrailers.sessionId(call.trailers()).orElse("none")))));
        registry = fixture.registry;
        routes = fixture.routes;
        gateway = fixture.gateway;
        client = fixture.client;
    }

    private RpcServer worker(SessionManager sessions, List<String> seen) {
        return GatewayFixture.worker(b -> b.addService(Sticky.class, new StickyImpl(sessions))
                        .interceptor(invocation -> {
                            String id = CallContext.current().sessionId();
                            if (id != null) {
                                seen.add(id);
                            }
                            return invocation.proceed();
                        })
                        .sessions(sessions));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Sticky sticky(String sessionId) {
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
        return client.proxy(Sticky.class, sessionId == null ? options : options.withSessionId(sessionId));
    }

    /** Opens a session through the director; returns the id the trailers announced. */
    private String open() {
        String returned = sticky(null).open();
        String id = announced.get();
        assertThat(id).as("session id from the STATUS trailers").isEqualTo(returned);
        return id;
    }

    private SessionManager managerOf(MemberId worker) {
        return worker.equals(W1) ? sessions1 : sessions2;
    }

    private List<String> seenBy(MemberId worker) {
        return worker.equals(W1) ? seen1 : seen2;
    }

    private static MemberId other(MemberId worker) {
        return worker.equals(W1) ? W2 : W1;
    }

    @Test
    void aSessionOpenedThroughTheDirectorSticksToItsWorker() {
        String first = open();
        RoutingTable.Route route = routes.route(first).orElseThrow();
        MemberId owner = route.owner();
        assertThat(route.epoch()).isEqualTo(1);
        assertThat(managerOf(owner).find(first)).isPresent();
        assertThat(managerOf(other(owner)).find(first)).isEmpty();

        Sticky session = sticky(first);
        for (int i = 1; i <= 10; i++) {
            assertThat(session.increment()).isEqualTo(i);
            assertThat(announced.get()).as("only the opening call announces the session").isEqualTo("none");
            assertThat(session.worker()).isEqualTo(owner.value());
        }
        assertThat(seenBy(owner)).hasSize(20).containsOnly(first);
        assertThat(seenBy(other(owner))).doesNotContain(first);

        // calls without a session are still balanced over both workers
        Sticky plain = sticky(null);
        Set<String> balanced = new HashSet<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            balanced.add(plain.worker());
            assertThat(balanced).containsExactlyInAnyOrder("w1", "w2");
        });

        // a later session lands on the other worker; both keep their own state
        String second = null;
        for (int attempt = 0; attempt < 50 && second == null; attempt++) {
            String id = open();
            if (routes.route(id).orElseThrow().owner().equals(other(owner))) {
                second = id;
            }
        }
        assertThat(second).as("a session opened on the other worker").isNotNull();
        Sticky secondSession = sticky(second);
        assertThat(secondSession.worker()).isEqualTo(other(owner).value());
        assertThat(IntStream.rangeClosed(1, 3).map(i -> secondSession.increment()).boxed().toList())
                .containsExactly(1, 2, 3);
        assertThat(session.increment()).isEqualTo(11);
        assertThat(secondSession.increment()).isEqualTo(4);
        assertThat(managerOf(owner).find(second)).isEmpty();
        assertThat(managerOf(other(owner)).find(first)).isEmpty();
        assertThat(seenBy(other(owner))).doesNotContain(first);
        assertThat(seenBy(owner)).doesNotContain(second);
        assertThat(routes.route(second)).contains(new RoutingTable.Route(other(owner), 1));

        // the route switches to a worker that does not hold the state: SESSION_LOST (no migration here)
        assertThat(routes.switchOwner(first, owner, 1, other(owner))).isPresent();
        assertThatThrownBy(session::increment).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.SESSION_LOST));
        assertThat(managerOf(owner).find(first)).as("the state did not move").isPresent();
        assertThat(secondSession.increment()).isEqualTo(5);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(gateway.activeCalls()).isZero();
            assertThat(worker1.activeCalls()).isZero();
            assertThat(worker2.activeCalls()).isZero();
        });
    }

    @Test
    void aWorkerAnnouncesTheSessionInTheTrailersOfADirectCall() {
        try (RpcClient direct = RpcClient.builder().target("localhost", worker1.port()).tls(TestTls.client())
                .interceptor(call -> call.onClose(status -> announced.set(
                        SessionTrailers.sessionId(call.trailers()).orElse("none"))))
                .build()) {
            Sticky sticky = direct.proxy(Sticky.class, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)));
            String id = sticky.open();
            assertThat(announced.get()).isEqualTo(id);
            assertThat(sessions1.find(id)).isPresent();
            assertThat(sticky.worker()).isEqualTo("w1");
            assertThat(announced.get()).isEqualTo("none");
            assertThat(routes.size()).as("no director involved").isZero();
        }
    }
}
