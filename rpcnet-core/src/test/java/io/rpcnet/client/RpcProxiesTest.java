package io.rpcnet.client;

import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionManager;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.RpcFixture;
import io.rpcnet.testing.StreamCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proxies derived with {@link RpcProxies} over a real server (QUIC + TLS on 127.0.0.1). */
class RpcProxiesTest {

    /** A counter per session, plus a call that waits until released (to observe deadlines). */
    public interface Tally {
        String open();

        /** The session's count after adding one, or -1 without a session. */
        long increment();

        /** Streams the session id (or "none") {@code times} times. */
        void ids(Integer times, StreamObserver<String> out);

        /** Blocks until the test releases it. */
        String slow();
    }

    static final class TallyImpl implements Tally {
        private final SessionManager sessions;
        final CountDownLatch release = new CountDownLatch(1);

        TallyImpl(SessionManager sessions) {
            this.sessions = sessions;
        }

        @Override
        public String open() {
            return sessions.create().id();
        }

        @Override
        public long increment() {
            RpcSession session = RpcSession.current();
            if (session == null) {
                return -1;
            }
            long next = session.getOrDefault("n", Long.class, 0L) + 1;
            session.put("n", next);
            return next;
        }

        @Override
        public void ids(Integer times, StreamObserver<String> out) {
            for (int i = 0; i < times; i++) {
                out.onNext(RpcSession.current() == null ? "none" : RpcSession.current().id());
            }
            out.onCompleted();
        }

        @Override
        public String slow() {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "released";
        }
    }

    private final SessionManager sessions = SessionManager.builder("w1").idleTimeout(Duration.ofMinutes(1)).build();
    private final TallyImpl impl = new TallyImpl(sessions);
    private RpcFixture rpc;

    @BeforeEach
    void start() {
        rpc = new RpcFixture(server -> server.addService(Tally.class, impl).sessions(sessions), client -> client);
    }

    @AfterEach
    void stop() {
        impl.release.countDown();
        rpc.close();
    }

    @Test
    void aDerivedProxyCarriesItsSessionAndTheOriginalStaysWithout() {
        Tally shared = rpc.client.proxy(Tally.class, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)));
        String a = shared.open();
        String b = shared.open();
        Tally inA = RpcProxies.withSession(shared, a);
        Tally inB = RpcProxies.withSession(shared, b);

        assertThat(inA.increment()).isEqualTo(1);
        assertThat(inA.increment()).isEqualTo(2);
        assertThat(inB.increment()).isEqualTo(1);
        assertThat(shared.increment()).isEqualTo(-1);
        assertThat(RpcProxies.withoutSession(inA).increment()).isEqualTo(-1);
        assertThat(RpcProxies.withSession(inA, b).increment()).isEqualTo(2); // re-binding replaces the session
        assertThat(sessions.find(a).orElseThrow().get("n", Long.class)).isEqualTo(2L);
        assertThat(sessions.find(b).orElseThrow().get("n", Long.class)).isEqualTo(2L);

        assertThat(StreamCollector.<String>collect(o -> inA.ids(2, o))).containsExactly(a, a);
        assertThat(StreamCollector.<String>collect(o -> shared.ids(1, o))).containsExactly("none");
        assertThat(inA.toString()).contains("session " + a);
        assertThat(shared.toString()).doesNotContain("session");
    }

    @Test
    void aDerivedProxyKeepsTheOtherOptionsAndCanChangeThem() {
        Tally shared = rpc.client.proxy(Tally.class, CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300)));
        String a = RpcProxies.withTimeout(shared, Duration.ofSeconds(10)).open();
        Tally inA = RpcProxies.withSession(shared, a);

        assertThatThrownBy(inA::slow).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED)); // the 300 ms deadline came along
        Tally patient = RpcProxies.withTimeout(inA, Duration.ofSeconds(10));
        impl.release.countDown();
        assertThat(patient.slow()).isEqualTo("released");
        assertThat(patient.increment()).isEqualTo(1); // and still in session a
    }

    @Test
    void onlyRpcNetProxiesAndRealSessionIdsAreAccepted() {
        Tally shared = rpc.client.proxy(Tally.class);
        EchoService foreign = (EchoService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{EchoService.class}, (p, m, args) -> null);

        assertThatThrownBy(() -> RpcProxies.withSession(foreign, "s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an RpcNet proxy");
        assertThatThrownBy(() -> RpcProxies.withSession(new Object(), "s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> RpcProxies.withSession(shared, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> RpcProxies.withSession(shared, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RpcProxies.withOptions(null, o -> o)).isInstanceOf(NullPointerException.class);
    }
}
