package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.balance.LoadBalancer;
import io.rpcnet.cluster.balance.LoadBalancingStrategy;
import io.rpcnet.cluster.detection.PhiAccrualConfig;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link WorkerRegistry}; every knob has a default suited to 500 ms heartbeats.
 *
 * @param detector           phi accrual settings; its threshold is the FAILED threshold
 * @param suspectPhi         phi at or above which an ALIVE member becomes SUSPECT (default: half the FAILED
 *                           threshold); must not exceed it
 * @param partitionFraction  a partition is suspected when more than this fraction of the monitored members
 *                           became FAILED within {@code partitionWindow} (default 0.5)
 * @param partitionWindow    how close together those failures must be (default 5 s)
 * @param partitionMinFailures fewest failures that can ever count as a partition (default 2), so losing the
 *                           only worker of a one-worker cluster is a failure, not a partition
 * @param failedRetention    how long a FAILED member stays listed (and can come back as RECOVERED) before it is
 *                           forgotten (default 10 min)
 * @param leftRetention      how long a LEFT member stays listed, so late heartbeats of the old incarnation are
 *                           recognised as stale (default 1 min)
 * @param balancer           how {@code select} picks (default round robin)
 * @param clock              wall clock for event timestamps only; all logic uses the nanos passed in
 */
public record RegistryConfig(PhiAccrualConfig detector, double suspectPhi, double partitionFraction,
                             Duration partitionWindow, int partitionMinFailures, Duration failedRetention,
                             Duration leftRetention, LoadBalancer balancer, Clock clock) {

    /** All defaults. */
    public static final RegistryConfig DEFAULT = builder().build();

    public RegistryConfig {
        Objects.requireNonNull(detector, "detector");
        if (!(suspectPhi > 0) || suspectPhi > detector.threshold()) {
            throw new IllegalArgumentException("suspectPhi must be > 0 and <= the failure threshold "
                    + detector.threshold() + ": " + suspectPhi);
        }
        if (!(partitionFraction > 0) || !(partitionFraction < 1)) {
            throw new IllegalArgumentException("partitionFraction must be in (0, 1): " + partitionFraction);
        }
        requirePositive("partitionWindow", partitionWindow);
        if (partitionMinFailures < 1) {
            throw new IllegalArgumentException("partitionMinFailures must be >= 1: " + partitionMinFailures);
        }
        requirePositive("failedRetention", failedRetention);
        requirePositive("leftRetention", leftRetention);
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(clock, "clock");
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

    /** Builds a {@link RegistryConfig}. */
    public static final class Builder {
        private PhiAccrualConfig detector = PhiAccrualConfig.DEFAULT;
        private double suspectPhi = Double.NaN;
        private double partitionFraction = 0.5;
        private Duration partitionWindow = Duration.ofSeconds(5);
        private int partitionMinFailures = 2;
        private Duration failedRetention = Duration.ofMinutes(10);
        private Duration leftRetention = Duration.ofMinutes(1);
        private LoadBalancer balancer;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder detector(PhiAccrualConfig detector) {
            this.detector = detector;
            return this;
        }

        /** Phi for SUSPECT; unset means half of the detector's threshold. */
        public Builder suspectPhi(double suspectPhi) {
            this.suspectPhi = suspectPhi;
            return this;
        }

        public Builder partitionFraction(double partitionFraction) {
            this.partitionFraction = partitionFraction;
            return this;
        }

        public Builder partitionWindow(Duration partitionWindow) {
            this.partitionWindow = partitionWindow;
            return this;
        }

        public Builder partitionMinFailures(int partitionMinFailures) {
            this.partitionMinFailures = partitionMinFailures;
            return this;
        }

        public Builder failedRetention(Duration failedRetention) {
            this.failedRetention = failedRetention;
            return this;
        }

        public Builder leftRetention(Duration leftRetention) {
            this.leftRetention = leftRetention;
            return this;
        }

        /** One of the built-in strategies (a fresh balancer with default settings). */
        public Builder strategy(LoadBalancingStrategy strategy) {
            this.balancer = strategy.newBalancer();
            return this;
        }

        /** A specific balancer, built-in or custom. */
        public Builder balancer(LoadBalancer balancer) {
            this.balancer = balancer;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public RegistryConfig build() {
            double suspect = Double.isNaN(suspectPhi) ? detector.threshold() / 2 : suspectPhi;
            LoadBalancer lb = balancer != null ? balancer : LoadBalancingStrategy.ROUND_ROBIN.newBalancer();
            return new RegistryConfig(detector, suspect, partitionFraction, partitionWindow, partitionMinFailures,
                    failedRetention, leftRetention, lb, clock);
        }
    }
}
