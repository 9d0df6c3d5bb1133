package io.rpcnet.boot.autoconfigure.migration.actuate;

import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.coordinator.MigrationService;
import io.rpcnet.migration.tracker.MigrationView;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Health {@code migration} on a director:
 * <ul>
 * <li>DOWN while a migration has been running longer than the stuck threshold ({@code rpcnet.migration.timeout}
 * plus {@code rpcnet.migration.health.stuck-margin}): a migration should have finished, one way or the other,
 * by its timeout;</li>
 * <li>DOWN when more than {@code failure-rate-threshold} of the migrations finished within {@code window} failed,
 * once there are at least {@code min-migrations} of them;</li>
 * <li>otherwise OUT_OF_SERVICE while the cluster suspects a partition (failover and moves are unreliable);</li>
 * <li>otherwise UP.</li>
 * </ul>
 * Details: active count, stuck migrations (at most 10), the window's figures, whether a partition is suspected.
 * Time comes from the {@link Clock}; migrations' start and finish times from the coordinator's.
 */
public final class MigrationHealthIndicator extends AbstractHealthIndicator {

    private static final int MAX_STUCK_DETAILS = 10;

    private final MigrationService migrations;
    private final WorkerRegistry registry;
    private final Duration stuckAfter;
    private final RpcMigrationHealthProperties rules;
    private final Clock clock;

    /**
     * @param migrations the director's migration service
     * @param registry   for partitions; may be null
     * @param stuckAfter how long a migration may run before it is stuck
     * @param rules      window and failure-rate rules
     * @param clock      the time now
     */
    public MigrationHealthIndicator(MigrationService migrations, WorkerRegistry registry, Duration stuckAfter,
                                    RpcMigrationHealthProperties rules, Clock clock) {
        super("RpcNet migration health check failed");
        this.migrations = Objects.requireNonNull(migrations, "migrations");
        this.registry = registry;
        this.stuckAfter = Objects.requireNonNull(stuckAfter, "stuckAfter");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Instant now = clock.instant();
        List<MigrationView> active = migrations.active();
        List<Map<String, Object>> stuck = new ArrayList<>();
        int stuckCount = 0;
        for (MigrationView v : active) {
            Duration age = Duration.between(v.startedAt(), now);
            if (age.compareTo(stuckAfter) > 0) {
                stuckCount++;
                if (stuck.size() < MAX_STUCK_DETAILS) {
                    stuck.add(stuck(v, age));
                }
            }
        }
        Instant since = now.minus(rules.getWindow());
        List<MigrationOutcome> window = migrations.recentOutcomes().stream()
                .filter(o -> o.finishedAt() != null && o.finishedAt().isAfter(since)).toList();
        long failed = window.stream().filter(o -> !o.completed()).count();
        double rate = window.isEmpty() ? 0 : failed / (double) window.size();
        boolean failing = window.size() >= rules.getMinMigrations() && rate > rules.getFailureRateThreshold();
        boolean partitioned = registry != null && registry.isPartitioned();

        if (stuckCount > 0) {
            builder.down().withDetail("reason", stuckCount + " migration(s) running for longer than "
                    + stuckAfter.toSeconds() + " s");
        } else if (failing) {
            builder.down().withDetail("reason", failed + " of " + window.size() + " migrations failed in the last "
                    + rules.getWindow().toSeconds() + " s, over the threshold of " + rules.getFailureRateThreshold());
        } else if (partitioned) {
            builder.outOfService().withDetail("reason", "partition suspected: migrations are unreliable");
        } else {
            builder.up();
        }
        builder.withDetail("active", active.size()).withDetail("stuck", stuck);
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("duration", rules.getWindow().toString());
        w.put("migrations", window.size());
        w.put("failed", failed);
        w.put("failureRate", MigrationStatistics.round(rate, 4));
        builder.withDetail("window", w).withDetail("partitioned", partitioned);
    }

    private static Map<String, Object> stuck(MigrationView v, Duration age) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("migrationId", v.migrationId());
        m.put("sessionId", v.sessionId());
        m.put("source", v.source());
        m.put("target", v.target());
        m.put("state", v.state().name());
        m.put("phase", v.phase() == null ? null : v.phase().name());
        m.put("ageMs", age.toMillis());
        return m;
    }
}
