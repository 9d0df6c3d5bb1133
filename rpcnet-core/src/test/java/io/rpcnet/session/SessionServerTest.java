package io.rpcnet.session;

import io.rpcnet.client.CallOptions;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.server.CallContext;
import io.rpcnet.testing.RpcFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sessions through a real server over QUIC on 127.0.0.1. */
class SessionServerTest {

    /** A service keeping a counter in session state. */
    public interface Counter {
        /** Opens a session and returns its id. */
        String open();

        /** Increments the session's counter and returns it. */
        int increment();

        /** What the handler saw: the session id it runs in, or "none". */
        String whoAmI();
    }

    static final class CounterImpl implements Counter {
        private final SessionManager sessions;

        CounterImpl(SessionManager sessions) {
            this.sessions = sessions;
        }

        @Override
        public String open() {
            return sessions.create().id();
        }

        @Override
        public int increment() {
            RpcSession session = RpcSession.require();
            int next = session.getOrDefault("counter", Integer.class, 0) + 1;
            session.put("counter", next);
            return next;
        }

        @Override
        public String whoAmI() {
            RpcSession s = RpcSession.current();
            return s == null ? "none" : s.id() + "/" + CallContext.current().sessionId();
        }
    }

    private final TestClock clock = new TestClock();
    private final SessionManager sessions = SessionManager.builder("worker-1").clock(clock)
            .idleTimeout(Duration.ofMinutes(1)).build();
    private final List<String> seenByInterceptor = new CopyOnWriteArrayList<>();
    private RpcFixture rpc;

    private RpcFixture start(SessionManager manager) {
        rpc = new RpcFixture(server -> server
                .addService(Counter.class, new CounterImpl(manager))
                .interceptor(invocation -> {
                    RpcSession s = RpcSession.current();
                    seenByInterceptor.add(s == null ? "none" : s.id());
                    return invocation.proceed();
                })
                .sessions(manager), client -> client);
        return rpc;
    }

    @AfterEach
    void stop() {
        if (rpc != null) {
            rpc.close();
        }
    }

    private Counter counter(String sessionId) {
        return rpc.client.proxy(Counter.class, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10))
                .withSessionId(sessionId));
    }

    @Test
    void handlerKeepsPerSessionStateAcrossCallsAndSessionsAreIsolated() {
        start(sessions);
        assertThat(rpc.server.sessions()).isSameAs(sessions);
        String a = counter(null).open();
        String b = counter(null).open();
        assertThat(a).isNotEqualTo(b);
        assertThat(sessions.activeSessions()).isEqualTo(2);

        Counter inA = counter(a);
        Counter inB = counter(b);
        for (int i = 1; i <= 5; i++) {
            assertThat(inA.increment()).isEqualTo(i);
        }
        assertThat(inB.increment()).isEqualTo(1);
        assertThat(inA.increment()).isEqualTo(6);
        assertThat(inB.increment()).isEqualTo(2);

        assertThat(inA.whoAmI()).isEqualTo(a + "/" + a);
        assertThat(sessions.find(a).orElseThrow().get("counter", Integer.class)).isEqualTo(6);
        assertThat(sessions.find(b).orElseThrow().version()).isEqualTo(2);
        assertThat(seenByInterceptor).contains(a, b); // user interceptors run inside the session scope
    }

    @Test
    void unknownSessionIsSessionLost() {
        start(sessions);
        assertThatThrownBy(() -> counter("no-such-session").increment())
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(StatusCode.SESSION_LOST);
                    assertThat(e.status().message()).contains("no-such-session").contains("worker-1")
                            .contains("open a new session");
                });
        assertThat(seenByInterceptor).isEmpty(); // refused before any handler work
    }

    @Test
    void closedOrExpiredSessionIsSessionLost() {
        start(sessions);
        String closed = counter(null).open();
        String idle = counter(null).open();
        counter(closed).increment();
        sessions.remove(closed);
        assertThatThrownBy(() -> counter(closed).increment()).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status().code()).isEqualTo(StatusCode.SESSION_LOST));

        clock.advance(Duration.ofMinutes(2));
        assertThatThrownBy(() -> counter(idle).increment()).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status().code()).isEqualTo(StatusCode.SESSION_LOST));
        assertThat(sessions.activeSessions()).isZero();
    }

    @Test
    void callsKeepTheSessionAlive() {
        start(sessions);
        String id = counter(null).open();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(50));
            counter(id).increment();
        }
        assertThat(sessions.sweepExpired()).isZero();
        assertThat(counter(id).increment()).isEqualTo(4);
    }

    @Test
    void callWithoutSessionIdRunsWithoutSession() {
        start(sessions);
        counter(null).open();
        assertThat(counter(null).whoAmI()).isEqualTo("none");
        assertThatThrownBy(() -> counter(null).increment()).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status().message()).contains("this call has no session"));
        assertThat(rpc.echo().ping()).isNotNull(); // other services are unaffected
    }

    @Test
    void serverWithoutSessionsIgnoresSessionIds() {
        rpc = new RpcFixture(server -> server.addService(Counter.class, new CounterImpl(sessions)),
                client -> client);
        assertThat(rpc.server.sessions()).isNull();
        assertThat(counter("whatever").whoAmI()).isEqualTo("none");
    }
}
