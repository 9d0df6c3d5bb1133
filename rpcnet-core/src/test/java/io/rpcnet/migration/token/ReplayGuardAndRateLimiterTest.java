package io.rpcnet.migration.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.rpcnet.migration.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplayGuardAndRateLimiterTest {

    @Test
    void replayGuardAcceptsOnceEvictsOnExpiryAndStaysBounded() {
        ReplayGuard g = new ReplayGuard(3);
        assertThat(g.tryRecord("a", 100, 0)).isEqualTo(ReplayGuard.Outcome.ACCEPTED);
        assertThat(g.tryRecord("a", 100, 50)).isEqualTo(ReplayGuard.Outcome.REPLAYED);
        assertThat(g.tryRecord("b", 300, 50)).isEqualTo(ReplayGuard.Outcome.ACCEPTED);
        assertThat(g.tryRecord("c", 200, 50)).isEqualTo(ReplayGuard.Outcome.ACCEPTED);
        assertThat(g.tryRecord("d", 400, 50)).isEqualTo(ReplayGuard.Outcome.FULL);
        assertThat(g.contains("a", 99)).isTrue();
        assertThat(g.contains("a", 100)).isFalse(); // expired: forgotten, and refused as expired upstream
        assertThat(g.size()).isEqualTo(2);
        assertThat(g.tryRecord("d", 400, 200)).isEqualTo(ReplayGuard.Outcome.ACCEPTED); // c evicted at 200
        assertThat(g.size()).isEqualTo(2);
        for (int i = 0; i < 10_000; i++) { // churn never grows it beyond capacity
            g.tryRecord("n" + i, 1000 + i + 1, 1000 + i);
            assertThat(g.size()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void tokenBucketRefillsAtItsRateAndForgetsIdleSources() {
        MutableClock clock = MutableClock.at("2026-11-02T10:00:00Z");
        TokenBucketRateLimiter l = new TokenBucketRateLimiter(10, 2, 2, clock);
        assertThat(l.tryAcquire("a").allowed()).isTrue();
        assertThat(l.tryAcquire("a").allowed()).isTrue();
        TokenBucketRateLimiter.Decision d = l.tryAcquire("a");
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfterMillis()).isEqualTo(100);
        clock.advance(Duration.ofMillis(99));
        assertThat(l.tryAcquire("a").allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(l.tryAcquire("a").allowed()).isTrue();

        assertThat(l.tryAcquire("b").allowed()).isTrue();
        assertThat(l.trackedKeys()).isEqualTo(2);
        assertThat(l.tryAcquire("c").allowed()).as("no bucket is full yet: refuse rather than forget").isFalse();
        clock.advance(Duration.ofMillis(200)); // a and b refill completely and can be dropped
        assertThat(l.tryAcquire("c").allowed()).isTrue();
        assertThat(l.trackedKeys()).isEqualTo(1);
    }
}
