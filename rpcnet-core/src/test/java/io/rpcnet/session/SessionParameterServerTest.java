package io.rpcnet.session;

import io.rpcnet.client.CallOptions;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.RpcFixture;
import io.rpcnet.testing.StreamCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Handlers taking their {@link RpcSession} as a parameter, through a real server over QUIC on 127.0.0.1: the
 * parameter is the session the call runs in ({@link RpcSession#current()}), or {@code null} without one, and the
 * client never sends what its caller passes for it.
 */
class SessionParameterServerTest {

    /** A cart kept in session state; the session parameter sits first, last and in the middle. */
    public interface Cart {
        String open();

        /** Session first: adds the item, returns the cart. */
        List<String> addFirst(RpcSession session, String item);

        /** Session last (and only): counts calls in the session. */
        long increment(RpcSession session);

        /** Session last, after the request: the id of the session the handler got, or "none". */
        String whoAmI(String tag, RpcSession session);

        /** Session in the middle of a server-streaming call: streams the cart from {@code from} on. */
        void items(Integer from, RpcSession session, StreamObserver<String> out);
    }

    static final class CartImpl implements Cart {
        private final SessionManager sessions;
        final List<Boolean> sameAsCurrent = Collections.synchronizedList(new ArrayList<>());

        CartImpl(SessionManager sessions) {
            this.sessions = sessions;
        }

        private void saw(RpcSession session) {
            sameAsCurrent.add(session == RpcSession.current());
        }

        @Override
        public String open() {
            return sessions.create().id();
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<String> addFirst(RpcSession session, String item) {
            saw(session);
            List<String> cart = new ArrayList<>(session.getOrDefault("cart", List.class, List.of()));
            cart.add(item);
            session.put("cart", cart);
            return cart;
        }

        @Override
        public long increment(RpcSession session) {
            saw(session);
            long next = session.getOrDefault("count", Long.class, 0L) + 1;
            session.put("count", next);
            return next;
        }

        @Override
        public String whoAmI(String tag, RpcSession session) {
            saw(session);
            return tag + ":" + (session == null ? "none" : session.id());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void items(Integer from, RpcSession session, StreamObserver<String> out) {
            saw(session);
            List<String> cart = session.getOrDefault("cart", List.class, List.of());
            cart.subList(from, cart.size()).forEach(out::onNext);
            session.put("streamed", session.getOrDefault("streamed", Integer.class, 0) + 1);
            out.onCompleted();
        }
    }

    private final SessionManager sessions = SessionManager.builder("worker-1")
            .idleTimeout(Duration.ofMinutes(1)).build();
    private final CartImpl impl = new CartImpl(sessions);
    private RpcFixture rpc;

    @BeforeEach
    void start() {
        rpc = new RpcFixture(server -> server.addService(Cart.class, impl).sessions(sessions), client -> client);
    }

    @AfterEach
    void stop() {
        rpc.close();
    }

    private Cart cart(String sessionId) {
        return rpc.client.proxy(Cart.class, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10))
                .withSessionId(sessionId));
    }

    @Test
    void unaryHandlersGetTheCallsSessionWhereverTheParameterIsAndItsStatePersists() {
        String a = cart(null).open();
        String b = cart(null).open();
        Cart inA = cart(a);
        Cart inB = cart(b);

        assertThat(inA.addFirst(null, "apple")).containsExactly("apple");
        assertThat(inA.addFirst(null, "pear")).containsExactly("apple", "pear");
        assertThat(inB.addFirst(null, "fig")).containsExactly("fig");
        assertThat(inA.increment(null)).isEqualTo(1);
        assertThat(inA.increment(null)).isEqualTo(2);
        assertThat(inB.increment(null)).isEqualTo(1);
        assertThat(inA.whoAmI("t", null)).isEqualTo("t:" + a);
        assertThat(inB.whoAmI("u", null)).isEqualTo("u:" + b);

        assertThat(sessions.find(a).orElseThrow().get("cart", List.class)).containsExactly("apple", "pear");
        assertThat(sessions.find(a).orElseThrow().get("count", Long.class)).isEqualTo(2L);
        assertThat(impl.sameAsCurrent).hasSize(8).containsOnly(true);
    }

    @Test
    void serverStreamingHandlerGetsTheSessionInTheMiddle() throws Exception {
        String a = cart(null).open();
        Cart inA = cart(a);
        inA.addFirst(null, "apple");
        inA.addFirst(null, "pear");
        inA.addFirst(null, "plum");

        assertThat(stream(inA, 1)).containsExactly("pear", "plum");
        assertThat(stream(inA, 0)).containsExactly("apple", "pear", "plum");
        assertThat(sessions.find(a).orElseThrow().get("streamed", Integer.class)).isEqualTo(2);
        assertThat(impl.sameAsCurrent).hasSize(5).containsOnly(true);
    }

    @Test
    void callWithoutSessionIdGetsNull() {
        cart(null).open();
        assertThat(cart(null).whoAmI("t", null)).isEqualTo("t:none");
        assertThat(impl.sameAsCurrent).containsExactly(true);
    }

    @Test
    void whatTheCallerPassesForTheSessionIsNeverSent() {
        String a = cart(null).open();
        RpcSession clientSide = SessionManager.builder("client").build().create();
        assertThat(cart(a).whoAmI("t", clientSide)).isEqualTo("t:" + a);
        assertThat(cart(null).whoAmI("u", clientSide)).isEqualTo("u:none");
        assertThat(impl.sameAsCurrent).containsExactly(true, true);
    }

    private static List<String> stream(Cart cart, int from) {
        return StreamCollector.collect(observer -> cart.items(from, null, observer));
    }
}
