package io.rpcnet.cluster.client;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcProxies;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.balance.LoadBalancingStrategy;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionManager;
import io.rpcnet.testing.StreamCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A cluster client proxy leaves out an {@link RpcSession} argument; the worker passes its own session. */
class ClusterClientSessionParameterTest {

    public interface Tally {
        String open();

        /** Session last: adds {@code n} to the session's total. */
        int add(Integer n, RpcSession session);

        /** Session in the middle: streams the session id (or "none") {@code times} times. */
        void ids(Integer times, RpcSession session, StreamObserver<String> out);
    }

    static final class TallyImpl implements Tally {
        private final SessionManager sessions;

        TallyImpl(SessionManager sessions) {
            this.sessions = sessions;
        }

        @Override
        public String open() {
            return sessions.create().id();
        }

        @Override
        public int add(Integer n, RpcSession session) {
            if (session == null) {
                return -1;
            }
            int total = session.getOrDefault("total", Integer.class, 0) + n;
            session.put("total", total);
            return total;
        }

        @Override
        public void ids(Integer times, RpcSession session, StreamObserver<String> out) {
            for (int i = 0; i < times; i++) {
                out.onNext(session == RpcSession.current() ? (session == null ? "none" : session.id()) : "other");
            }
            out.onCompleted();
        }
    }

    private final SessionManager sessions = SessionManager.builder("w1").idleTimeout(Duration.ofMinutes(1)).build();
    private Workers workers;

    @AfterEach
    void stop() {
        if (workers != null) {
            workers.close();
        }
    }

    @Test
    void proxiesNeverSendTheSessionArgumentAndTheWorkerPassesTheCallsSession() throws Exception {
        workers = new Workers(LoadBalancingStrategy.ROUND_ROBIN)
                .start("w1", Map.of(), b -> b.addService(Tally.class, new TallyImpl(sessions)).sessions(sessions));
        ClusterClient client = workers.client(b -> b);
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
        Tally anonymous = client.proxy(Tally.class, TagFilter.of("id", "w1"), options);
        String id = anonymous.open();
        Tally inSession = client.proxy(Tally.class, TagFilter.of("id", "w1"), options.withSessionId(id));
        RpcSession clientSide = SessionManager.builder("client").build().create();

        assertThat(anonymous.add(5, null)).isEqualTo(-1);
        assertThat(anonymous.add(5, clientSide)).isEqualTo(-1);
        assertThat(inSession.add(2, null)).isEqualTo(2);
        assertThat(inSession.add(3, clientSide)).isEqualTo(5);
        assertThat(sessions.find(id).orElseThrow().get("total", Integer.class)).isEqualTo(5);

        assertThat(stream(inSession, 2)).containsExactly(id, id);
        assertThat(stream(anonymous, 1)).containsExactly("none");

        // a cluster proxy derived with RpcProxies carries the session too (and keeps its filter)
        Tally derived = RpcProxies.withSession(anonymous, id);
        assertThat(derived.add(1, null)).isEqualTo(6);
        assertThat(stream(derived, 1)).containsExactly(id);
        assertThat(derived.toString()).contains("session " + id).contains("id=w1");
        assertThat(RpcProxies.withoutSession(derived).add(1, null)).isEqualTo(-1);
    }

    private static List<String> stream(Tally tally, int times) {
        return StreamCollector.collect(observer -> tally.ids(times, null, observer));
    }
}
