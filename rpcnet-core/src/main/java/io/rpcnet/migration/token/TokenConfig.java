package io.rpcnet.migration.token;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of a {@link MigrationTokenManager}.
 *
 * @param ttl                lifetime of issued tokens
 * @param maxTtl             longest lifetime a verified token may claim; bounds replay-guard memory
 * @param clockSkew          how far in the future a token's issue time may be (clocks of workers differ)
 * @param ratePerSecond      sustained verifications per second allowed per source worker
 * @param burst              verifications a source may make at once after being idle
 * @param replayCapacity     most unexpired nonces remembered; when full, new tokens are refused rather
 *                           than old nonces forgotten
 * @param maxTrackedSources  most source workers with a rate-limit bucket at once
 */
public record TokenConfig(Duration ttl, Duration maxTtl, Duration clockSkew, double ratePerSecond, int burst,
                          int replayCapacity, int maxTrackedSources) {

    public TokenConfig {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(maxTtl, "maxTtl");
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("ttl must be positive and at most maxTtl (" + maxTtl + "), got " + ttl);
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew must be >= 0, got " + clockSkew);
        }
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be positive and finite, got " + ratePerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1, got " + burst);
        }
        if (replayCapacity < 1 || maxTrackedSources < 1) {
            throw new IllegalArgumentException("replayCapacity and maxTrackedSources must be >= 1");
        }
    }

    /** 60 s tokens (at most 10 min), 5 s skew, 20/s per source with bursts of 40, 100 000 nonces, 10 000 sources. */
    public static TokenConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TokenConfig} from the defaults. */
    public static final class Builder {
        private Duration ttl = Duration.ofSeconds(60);
        private Duration maxTtl = Duration.ofMinutes(10);
        private Duration clockSkew = Duration.ofSeconds(5);
        private double ratePerSecond = 20;
        private int burst = 40;
        private int replayCapacity = 100_000;
        private int maxTrackedSources = 10_000;

        private Builder() {
        }

        public Builder ttl(Duration v) { this.ttl = v; return this; }
        public Builder maxTtl(Duration v) { this.maxTtl = v; return this; }
        public Builder clockSkew(Duration v) { this.clockSkew = v; return this; }
        public Builder ratePerSecond(double v) { this.ratePerSecond = v; return this; }
        public Builder burst(int v) { this.burst = v; return this; }
        public Builder replayCapacity(int v) { this.replayCapacity = v; return this; }
        public Builder maxTrackedSources(int v) { this.maxTrackedSources = v; return this; }

        public TokenConfig build() {
            return new TokenConfig(ttl, maxTtl, clockSkew, ratePerSecond, burst, replayCapacity, maxTrackedSources);
        }
    }
}
