package io.rpcnet.cluster.detection;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link PhiAccrualFailureDetector}. The defaults suit heartbeats every 500 ms: a silent
 * member reaches phi 8 about 1 s after its last heartbeat, while ±100 ms of jitter stays below phi 2.
 *
 * <p>Detection time after the last heartbeat is roughly {@code mean + acceptablePause + k * max(std,
 * minStdDeviation)}, with k ≈ 5.2 for threshold 8 and ≈ 3.6 for phi 4.
 *
 * @param threshold              phi at or above which the member is considered unavailable (default 8.0)
 * @param maxSampleSize          how many recent heartbeat intervals the estimate uses (default 200)
 * @param minStdDeviation        floor for the interval standard deviation, so a very regular member is not
 *                               declared dead by one slightly late beat (default 100 ms)
 * @param acceptableHeartbeatPause extra silence tolerated on top of the mean interval, e.g. for GC pauses
 *                               (default 0)
 * @param firstHeartbeatEstimate expected interval used before real samples exist; should be the heartbeat
 *                               interval (default 500 ms)
 */
public record PhiAccrualConfig(double threshold, int maxSampleSize, Duration minStdDeviation,
                               Duration acceptableHeartbeatPause, Duration firstHeartbeatEstimate) {

    /** Defaults for 500 ms heartbeats. */
    public static final PhiAccrualConfig DEFAULT = builder().build();

    public PhiAccrualConfig {
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold must be > 0 and finite: " + threshold);
        }
        if (maxSampleSize < 1) {
            throw new IllegalArgumentException("maxSampleSize must be >= 1: " + maxSampleSize);
        }
        requirePositive("minStdDeviation", minStdDeviation);
        Objects.requireNonNull(acceptableHeartbeatPause, "acceptableHeartbeatPause");
        if (acceptableHeartbeatPause.isNegative()) {
            throw new IllegalArgumentException("acceptableHeartbeatPause must not be negative: " + acceptableHeartbeatPause);
        }
        requirePositive("firstHeartbeatEstimate", firstHeartbeatEstimate);
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0: " + d);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().threshold(threshold).maxSampleSize(maxSampleSize).minStdDeviation(minStdDeviation)
                .acceptableHeartbeatPause(acceptableHeartbeatPause).firstHeartbeatEstimate(firstHeartbeatEstimate);
    }

    /** Builds a {@link PhiAccrualConfig}; every setting has a default. */
    public static final class Builder {
        private double threshold = 8.0;
        private int maxSampleSize = 200;
        private Duration minStdDeviation = Duration.ofMillis(100);
        private Duration acceptableHeartbeatPause = Duration.ZERO;
        private Duration firstHeartbeatEstimate = Duration.ofMillis(500);

        private Builder() {
        }

        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        public Builder maxSampleSize(int maxSampleSize) {
            this.maxSampleSize = maxSampleSize;
            return this;
        }

        public Builder minStdDeviation(Duration minStdDeviation) {
            this.minStdDeviation = minStdDeviation;
            return this;
        }

        public Builder acceptableHeartbeatPause(Duration acceptableHeartbeatPause) {
            this.acceptableHeartbeatPause = acceptableHeartbeatPause;
            return this;
        }

        public Builder firstHeartbeatEstimate(Duration firstHeartbeatEstimate) {
            this.firstHeartbeatEstimate = firstHeartbeatEstimate;
            return this;
        }

        public PhiAccrualConfig build() {
            return new PhiAccrualConfig(threshold, maxSampleSize, minStdDeviation, acceptableHeartbeatPause,
                    firstHeartbeatEstimate);
        }
    }
}
