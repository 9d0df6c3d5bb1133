package io.rpcnet.boot.autoconfigure.migration.actuate;

import io.rpcnet.migration.coordinator.MigrationOutcome;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Figures over a window of finished migrations, as shown by {@code /actuator/migration}: how many, counts by
 * outcome ({@code COMPLETED} / {@code FAILED}) and by error, the success rate, and percentiles of duration and
 * pause in milliseconds (nearest rank).
 *
 * @param migrations  finished migrations in the window
 * @param byOutcome   counts by outcome
 * @param byError     counts of failed migrations by {@link io.rpcnet.migration.MigrationError} name
 * @param successRate completed / migrations, or null with no migration
 * @param durationMs  start to finish
 * @param pauseMs     how long calls were held at the cut-over
 */
public record MigrationStatistics(int migrations, Map<String, Integer> byOutcome, Map<String, Integer> byError,
                                  Double successRate, Percentiles durationMs, Percentiles pauseMs) {

    /** Outcome of a migration that completed. */
    public static final String COMPLETED = "COMPLETED";
    /** Outcome of a migration that failed (and was rolled back). */
    public static final String FAILED = "FAILED";

    /** The figures of {@code outcomes}. */
    public static MigrationStatistics of(Collection<MigrationOutcome> outcomes) {
        Map<String, Integer> byOutcome = new TreeMap<>(Map.of(COMPLETED, 0, FAILED, 0));
        Map<String, Integer> byError = new TreeMap<>();
        double[] durations = new double[outcomes.size()];
        double[] pauses = new double[outcomes.size()];
        int i = 0;
        for (MigrationOutcome o : outcomes) {
            byOutcome.merge(outcome(o), 1, Integer::sum);
            o.error().ifPresent(e -> byError.merge(e.name(), 1, Integer::sum));
            durations[i] = millis(o.duration());
            pauses[i] = millis(o.pause());
            i++;
        }
        int n = outcomes.size();
        Double rate = n == 0 ? null : round(byOutcome.get(COMPLETED) / (double) n, 4);
        return new MigrationStatistics(n, byOutcome, byError, rate, Percentiles.of(durations),
                Percentiles.of(pauses));
    }

    /** {@link #COMPLETED} or {@link #FAILED}. */
    public static String outcome(MigrationOutcome o) {
        return o.completed() ? COMPLETED : FAILED;
    }

    /** Milliseconds with microsecond precision. */
    static double millis(Duration d) {
        return d == null ? 0 : round(d.toNanos() / 1_000_000.0, 3);
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /**
     * Nearest-rank percentiles in milliseconds; all null with no value.
     *
     * @param p50 median
     * @param p95 95th percentile
     * @param p99 99th percentile
     * @param max largest
     */
    public record Percentiles(Double p50, Double p95, Double p99, Double max) {

        static Percentiles of(double[] values) {
            if (values.length == 0) {
                return new Percentiles(null, null, null, null);
            }
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return new Percentiles(rank(sorted, 0.50), rank(sorted, 0.95), rank(sorted, 0.99),
                    sorted[sorted.length - 1]);
        }

        private static double rank(double[] sorted, double p) {
            int index = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }
}
