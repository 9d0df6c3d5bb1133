package io.rpcnet.session;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RpcSessionTest {

    record Cart(String owner, List<String> items) {
    }

    /** A value whose serialization fails. */
    public static final class Boom {
        public String getValue() {
            throw new IllegalStateException("boom");
        }
    }

    private final TestClock clock = new TestClock();

    private SessionManager manager(int maxLog, int maxResponses) {
        return SessionManager.builder("w1").clock(clock).maxChangeLog(maxLog).maxCachedResponses(maxResponses)
                .idleTimeout(Duration.ofMinutes(5)).build();
    }

    @Test
    void attributesRoundTripThroughTheCodecAndBumpTheVersion() {
        RpcSession s = manager(16, 4).create();
        assertThat(s.version()).isZero();
        assertThat(s.put("count", 41)).isEqualTo(1);
        assertThat(s.put("cart", new Cart("ann", List.of("a", "b")))).isEqualTo(2);
        assertThat(s.put("raw", new byte[]{1, 2, 3})).isEqualTo(3);
        assertThat(s.put("count", 42)).isEqualTo(4);

        assertThat(s.get("count", Integer.class)).isEqualTo(42);
        assertThat(s.get("cart", Cart.class)).isEqualTo(new Cart("ann", List.of("a", "b")));
        assertThat(s.get("raw", byte[].class)).containsExactly(1, 2, 3);
        Type listOfCarts = new Object() {
            List<Cart> carts;
        }.getClass().getDeclaredFields()[0].getGenericType();
        s.put("carts", List.of(new Cart("bob", List.of())));
        List<Cart> carts = s.get("carts", listOfCarts);
        assertThat(carts).containsExactly(new Cart("bob", List.of()));

        assertThat(s.get("missing", String.class)).isNull();
        assertThat(s.getOrDefault("missing", String.class, "x")).isEqualTo("x");
        assertThat(s.attributeNames()).containsExactly("cart", "carts", "count", "raw");
        assertThat(s.attribute("raw")).isEqualTo(SessionBytes.copyOf(new byte[]{1, 2, 3}));

        long before = s.version();
        assertThat(s.remove("missing")).isFalse();
        assertThat(s.version()).isEqualTo(before);
        assertThat(s.remove("count")).isTrue();
        assertThat(s.version()).isEqualTo(before + 1);
        assertThat(s.contains("count")).isFalse();
    }

    @Test
    void storedValuesCannotBeChangedThroughTheCallersArray() {
        RpcSession s = manager(16, 4).create();
        byte[] raw = {1, 2, 3};
        s.put("raw", raw);
        raw[0] = 9;
        byte[] read = s.get("raw", byte[].class);
        read[1] = 9;
        assertThat(s.get("raw", byte[].class)).containsExactly(1, 2, 3);
    }

    @Test
    void unencodableValueIsRefusedWithoutChangingTheSession() {
        RpcSession s = manager(16, 4).create();
        assertThatThrownBy(() -> s.put("bad", new Boom())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot encode");
        assertThat(s.version()).isZero();
        assertThat(s.contains("bad")).isFalse();
    }

    @Test
    void changesSinceReturnsOrderedChangesAndAppliesOnAnotherWorker() {
        RpcSession source = manager(16, 4).create();
        source.put("a", 1);
        SessionState base = source.state();
        source.put("b", "two");
        source.remove("a");
        source.cacheResponse(7, new byte[]{7});

        SessionDelta delta = source.changesSince(base.version());
        assertThat(delta.truncated()).isFalse();
        assertThat(delta.fromVersion()).isEqualTo(1);
        assertThat(delta.toVersion()).isEqualTo(4);
        assertThat(delta.changes()).extracting(SessionChange::version).containsExactly(2L, 3L, 4L);
        assertThat(delta.changes().get(0)).isInstanceOf(SessionChange.Put.class);
        assertThat(delta.changes().get(1)).isEqualTo(new SessionChange.Remove(3, "a"));
        assertThat(delta.changes().get(2)).isInstanceOf(SessionChange.ResponseCached.class);
        assertThat(source.changesSince(source.version()).isEmpty()).isTrue();

        RpcSession target = SessionManager.builder("w2").clock(clock).build().importState(base.withEpoch(2));
        assertThat(target.version()).isEqualTo(1);
        target.apply(delta);
        assertThat(target.version()).isEqualTo(4);
        assertThat(target.get("b", String.class)).isEqualTo("two");
        assertThat(target.contains("a")).isFalse();
        assertThat(target.cachedResponse(7)).hasValueSatisfying(r -> assertThat(r).containsExactly(7));
        assertThat(target.state().attributes()).isEqualTo(source.state().attributes());

        assertThatThrownBy(() -> target.apply(delta)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("starts at version 1 but session");
    }

    @Test
    void boundedLogReportsTruncationWhenItNoLongerReachesBack() {
        RpcSession s = manager(3, 4).create();
        for (int i = 1; i <= 5; i++) {
            s.put("k", i);
        }
        assertThat(s.changesSince(2).changes()).extracting(SessionChange::version).containsExactly(3L, 4L, 5L);
        SessionDelta cut = s.changesSince(1);
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.changes()).isEmpty();
        assertThat(cut.toVersion()).isEqualTo(5);
        assertThatThrownBy(() -> s.apply(cut)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.changesSince(6)).isInstanceOf(IllegalArgumentException.class);

        RpcSession none = manager(0, 4).create();
        none.put("k", 1);
        assertThat(none.changesSince(0).truncated()).isTrue();
    }

    @Test
    void responseCacheAnswersReplaysAndEvictsTheOldest() {
        RpcSession s = manager(16, 3).create();
        assertThat(s.cachedResponse(1)).isEmpty();
        for (long call = 1; call <= 5; call++) {
            s.cacheResponse(call, new byte[]{(byte) call});
        }
        assertThat(s.cachedResponses()).isEqualTo(3);
        assertThat(s.cachedResponse(1)).isEmpty();
        assertThat(s.cachedResponse(2)).isEmpty();
        assertThat(s.cachedResponse(5)).hasValueSatisfying(r -> assertThat(r).containsExactly(5));
        assertThat(s.state().cachedResponses().keySet()).containsExactly(3L, 4L, 5L);
        assertThat(s.version()).isEqualTo(5);
    }

    @Test
    void closedSessionRefusesUseAndLeavesItsManager() {
        SessionManager m = manager(16, 4);
        RpcSession s = m.create();
        s.put("a", 1);
        s.close();
        s.close();
        assertThat(s.isClosed()).isTrue();
        assertThat(m.find(s.id())).isEmpty();
        assertThatThrownBy(() -> s.put("a", 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> s.get("a", Integer.class)).isInstanceOf(IllegalStateException.class);
        assertThat(m.stats().removed()).isEqualTo(1);
    }

    @Test
    void currentIsScopedToEnter() {
        SessionManager m = manager(16, 4);
        RpcSession a = m.create();
        RpcSession b = m.create();
        assertThat(RpcSession.current()).isNull();
        assertThatThrownBy(RpcSession::require).isInstanceOf(IllegalStateException.class);
        try (RpcSession.Scope outer = a.enter()) {
            assertThat(RpcSession.current()).isSameAs(a);
            try (RpcSession.Scope inner = b.enter()) {
                assertThat(RpcSession.require()).isSameAs(b);
            }
            assertThat(RpcSession.current()).isSameAs(a);
        }
        assertThat(RpcSession.current()).isNull();
    }

    @Test
    void concurrentWritersEachGetTheirOwnVersion() throws Exception {
        RpcSession s = manager(10_000, 4).create();
        int threads = 4;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<List<Long>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                start.await();
                List<Long> versions = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    versions.add(s.put("t" + id, i));
                }
                return versions;
            }));
        }
        start.countDown();
        List<Long> all = new ArrayList<>();
        for (var f : futures) {
            all.addAll(f.get(30, TimeUnit.SECONDS));
        }
        pool.shutdownNow();
        assertThat(all).doesNotHaveDuplicates().hasSize(threads * perThread);
        assertThat(s.version()).isEqualTo(threads * perThread);
        assertThat(s.changesSince(0).changes()).hasSize(threads * perThread);
        for (int t = 0; t < threads; t++) {
            assertThat(s.get("t" + t, Integer.class)).isEqualTo(perThread - 1);
        }
    }
}
