package io.rpcnet.boot.migration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock a test moves: the system clock plus an offset, or fixed at an instant. */
final class TestClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    private volatile Instant fixed;

    @Override
    public Instant instant() {
        Instant at = fixed;
        return at != null ? at : Instant.now().plus(offset);
    }

    /** Runs ahead of the system clock by {@code by} more. */
    void advance(Duration by) {
        offset = offset.plus(by);
    }

    /** Stands still at {@code at}. */
    void fix(Instant at) {
        fixed = at;
    }

    /** Back to the system clock. */
    void reset() {
        fixed = null;
        offset = Duration.ZERO;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
