package io.rpcnet.boot.autoconfigure.migration.actuate;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.coordinator.MigrationOutcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Outcome figures and the bounded {@code reason} tag. */
class MigrationStatisticsTest {

    @Test
    void countsRatesAndNearestRankPercentiles() {
        List<MigrationOutcome> outcomes = new ArrayList<>();
        for (int i = 1; i <= 100; i++) { // durations 1..100 ms, pauses 0.1..10 ms
            boolean failed = i % 10 == 0;
            outcomes.add(outcome(failed ? MigrationError.values()[i % 3] : null, Duration.ofMillis(i),
                    Duration.ofNanos(i * 100_000L)));
        }
        MigrationStatistics s = MigrationStatistics.of(outcomes);
        assertThat(s.migrations()).isEqualTo(100);
        assertThat(s.byOutcome()).containsEntry("COMPLETED", 90).containsEntry("FAILED", 10);
        assertThat(s.byError().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(s.byError()).containsOnlyKeys("INVALID_TOKEN", "TOKEN_EXPIRED", "REPLAYED");
        assertThat(s.successRate()).isEqualTo(0.9);
        assertThat(s.durationMs()).isEqualTo(new MigrationStatistics.Percentiles(50.0, 95.0, 99.0, 100.0));
        assertThat(s.pauseMs()).isEqualTo(new MigrationStatistics.Percentiles(5.0, 9.5, 9.9, 10.0));
    }

    @Test
    void oneAndNoOutcome() {
        MigrationStatistics one = MigrationStatistics.of(List.of(outcome(null, Duration.ofNanos(1_234_567),
                Duration.ZERO)));
        assertThat(one.durationMs()).isEqualTo(new MigrationStatistics.Percentiles(1.235, 1.235, 1.235, 1.235));
        assertThat(one.successRate()).isEqualTo(1.0);
        MigrationStatistics none = MigrationStatistics.of(List.of());
        assertThat(none.migrations()).isZero();
        assertThat(none.successRate()).isNull();
        assertThat(none.byOutcome()).containsEntry("COMPLETED", 0).containsEntry("FAILED", 0);
        assertThat(none.durationMs().p50()).isNull();
    }

    @Test
    void theReasonTagIsTheReasonsFirstWord() {
        assertThat(MigrationMetrics.reason("drain of w1")).isEqualTo("drain");
        assertThat(MigrationMetrics.reason("actuator")).isEqualTo("actuator");
        assertThat(MigrationMetrics.reason("  Rebalance: zone eu")).isEqualTo("rebalance");
        assertThat(MigrationMetrics.reason("")).isEqualTo("none");
        assertThat(MigrationMetrics.reason(null)).isEqualTo("none");
        assertThat(MigrationMetrics.reason("x".repeat(100))).hasSize(32);
    }

    private static MigrationOutcome outcome(MigrationError error, Duration duration, Duration pause) {
        return new MigrationOutcome("m", "s", "w1", "w2", MigrationParty.OPERATOR, "test", error == null,
                Optional.ofNullable(error), error == null ? "" : "x", duration, pause, 10, 1, Instant.EPOCH);
    }
}
