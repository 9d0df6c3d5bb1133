package io.rpcnet.boot.autoconfigure.migration.actuate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.rpcnet.migration.coordinator.MigrationCoordinator;
import io.rpcnet.migration.coordinator.MigrationOutcome;

import java.util.Locale;
import java.util.Objects;

/**
 * Migration metrics on a director, recorded from the coordinator's outcomes:
 * <ul>
 * <li>timers {@code rpcnet.migration.duration} (start to finish) and {@code rpcnet.migration.pause} (calls held at
 * the cut-over), tagged {@code outcome} ({@code completed} / {@code failed}) and {@code reason};</li>
 * <li>distribution summary {@code rpcnet.migration.state.size} (bytes of session state moved), tagged
 * {@code outcome};</li>
 * <li>counter {@code rpcnet.migration.total}, tagged {@code outcome} and {@code error} ({@code none} when
 * completed);</li>
 * <li>gauge {@code rpcnet.migration.active}: migrations running.</li>
 * </ul>
 * The {@code reason} tag is the first word of the migration's reason ({@code drain} for drains, {@code actuator}
 * for the endpoint's moves), lower case, so that it stays bounded: give programmatic migrations a fixed word
 * first.
 */
public final class MigrationMetrics implements MeterBinder {

    private static final int MAX_REASON = 32;

    private final MigrationCoordinator coordinator;

    public MigrationMetrics(MigrationCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("rpcnet.migration.active", coordinator, c -> c.tracker().activeCount())
                .description("Migrations running").register(registry);
        coordinator.addOutcomeListener(o -> record(registry, o));
    }

    static void record(MeterRegistry registry, MigrationOutcome o) {
        String outcome = o.completed() ? "completed" : "failed";
        String reason = reason(o.reason());
        Timer.builder("rpcnet.migration.duration").description("Migrations from start to finish")
                .tag("outcome", outcome).tag("reason", reason).register(registry).record(o.duration());
        Timer.builder("rpcnet.migration.pause").description("How long a session's calls were held at the cut-over")
                .tag("outcome", outcome).tag("reason", reason).register(registry).record(o.pause());
        DistributionSummary.builder("rpcnet.migration.state.size").baseUnit("bytes")
                .description("Encoded size of migrated session state").tag("outcome", outcome)
                .register(registry).record(o.stateBytes());
        Counter.builder("rpcnet.migration.total").description("Finished migrations")
                .tag("outcome", outcome).tag("error", o.error().map(e -> e.name()).orElse("none"))
                .register(registry).increment();
    }

    /** The first word of {@code reason}: letters, digits, '-' and '_', lower case, at most 32; or {@code none}. */
    static String reason(String reason) {
        if (reason == null) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < reason.length() && b.length() < MAX_REASON; i++) {
            char c = reason.charAt(i);
            if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_') {
                b.append(Character.toLowerCase(c));
            } else if (b.length() > 0) {
                break;
            }
        }
        return b.length() == 0 ? "none" : b.toString().toLowerCase(Locale.ROOT);
    }
}
