package io.rpcnet.cluster.detection;

import java.util.Objects;

/**
 * Phi accrual failure detector for one monitored member (Hayashibara, Défago, Yared, Katayama: "The φ
 * Accrual Failure Detector", 2004), following Akka's formulation. From the recent heartbeat intervals it
 * estimates a normal distribution (mean μ, standard deviation σ) and reports
 * {@code phi = -log10(P(a heartbeat arrives later than now))}: phi 1 means a 10% chance the member is
 * merely late, phi 8 one in 10^8.
 *
 * <p>The normal tail is approximated with the logistic function, as in Akka:
 * {@code y = (t - (μ + pause)) / max(σ, minStd)}, {@code P(later) ≈ 1 / (1 + e^(y·(1.5976 + 0.070566·y²)))},
 * evaluated in a form that never overflows. Before the first real sample the window holds two seed
 * intervals, {@code estimate ± estimate/4}. An interval is added to the window only if the member was
 * still considered available when its heartbeat arrived, so a long outage does not teach the detector that
 * long silences are normal.
 *
 * <p>All times are monotonic nanoseconds passed in by the caller. Thread-safe (methods are synchronized).
 */
public final class PhiAccrualFailureDetector {

    private static final double NANOS_PER_MILLI = 1_000_000.0;
    private static final double LN_10 = Math.log(10);

    private final PhiAccrualConfig config;
    private final HeartbeatHistory history;
    private final double minStdDeviationMillis;
    private final double acceptablePauseMillis;
    private boolean started;
    private long lastHeartbeatNanos;

    public PhiAccrualFailureDetector(PhiAccrualConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.history = new HeartbeatHistory(config.maxSampleSize());
        this.minStdDeviationMillis = config.minStdDeviation().toNanos() / NANOS_PER_MILLI;
        this.acceptablePauseMillis = config.acceptableHeartbeatPause().toNanos() / NANOS_PER_MILLI;
    }

    /** A detector with {@link PhiAccrualConfig#DEFAULT}. */
    public PhiAccrualFailureDetector() {
        this(PhiAccrualConfig.DEFAULT);
    }

    public PhiAccrualConfig config() {
        return config;
    }

    /** Records a heartbeat that arrived at {@code nowNanos}. A time earlier than the last heartbeat is ignored. */
    public synchronized void heartbeat(long nowNanos) {
        if (!started) {
            started = true;
            lastHeartbeatNanos = nowNanos;
            seed();
            return;
        }
        long interval = nowNanos - lastHeartbeatNanos;
        if (interval < 0) {
            return;
        }
        if (phiAt(nowNanos) < config.threshold()) {
            history.add(interval / NANOS_PER_MILLI);
        }
        lastHeartbeatNanos = nowNanos;
    }

    /** Suspicion level at {@code nowNanos}; 0 before the first heartbeat. Never negative, never NaN. */
    public synchronized double phi(long nowNanos) {
        return phiAt(nowNanos);
    }

    /** Whether {@link #phi(long)} is below the configured threshold. */
    public boolean isAvailable(long nowNanos) {
        return phi(nowNanos) < config.threshold();
    }

    /** Forgets all samples, e.g. when a member restarts with a new incarnation; the next heartbeat is a first one. */
    public synchronized void reset() {
        started = false;
        history.clear();
    }

    /** Whether at least one heartbeat was recorded since creation or {@link #reset()}. */
    public synchronized boolean hasHeartbeat() {
        return started;
    }

    /** Monotonic time of the last recorded heartbeat; meaningful only if {@link #hasHeartbeat()}. */
    public synchronized long lastHeartbeatNanos() {
        return lastHeartbeatNanos;
    }

    /** Mean of the sampled intervals in milliseconds (including the two seeds until they roll out). */
    public synchronized double meanIntervalMillis() {
        return history.mean();
    }

    /** Standard deviation of the sampled intervals in milliseconds, before the minimum is applied. */
    public synchronized double stdDeviationMillis() {
        return history.stdDeviation();
    }

    /** Number of intervals in the window (seeds included). */
    public synchronized int sampleCount() {
        return history.size();
    }

    /**
     * The phi formula itself: suspicion after {@code timeDiffMillis} of silence when intervals have the given
     * mean and standard deviation (both in milliseconds, {@code stdDeviationMillis > 0}).
     */
    public static double phi(double timeDiffMillis, double meanMillis, double stdDeviationMillis) {
        double y = (timeDiffMillis - meanMillis) / stdDeviationMillis;
        double z = y * (1.5976 + 0.070566 * y * y);
        // phi = -log10(e / (1 + e)) with e = exp(-z)  ==  log10(1 + exp(z)) == softplus(z) / ln 10
        double softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
        return softplus / LN_10;
    }

    private double phiAt(long nowNanos) {
        if (!started) {
            return 0.0;
        }
        double timeDiff = Math.max(0, nowNanos - lastHeartbeatNanos) / NANOS_PER_MILLI;
        double std = Math.max(history.stdDeviation(), minStdDeviationMillis);
        return phi(timeDiff, history.mean() + acceptablePauseMillis, std);
    }

    private void seed() {
        double mean = config.firstHeartbeatEstimate().toNanos() / NANOS_PER_MILLI;
        double std = mean / 4;
        history.clear();
        history.add(mean - std);
        history.add(mean + std);
    }

    @Override
    public synchronized String toString() {
        return String.format("PhiAccrualFailureDetector[samples=%d, mean=%.1fms, std=%.1fms]",
                history.size(), history.mean(), history.stdDeviation());
    }
}
