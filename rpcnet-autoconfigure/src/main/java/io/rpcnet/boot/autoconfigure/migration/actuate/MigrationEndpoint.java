package io.rpcnet.boot.autoconfigure.migration.actuate;

import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.coordinator.DrainReport;
import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.coordinator.MigrationService;
import io.rpcnet.migration.tracker.MigrationView;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Actuator endpoint {@code migration} on a director: the active and recent migrations with outcome figures
 * (read), a migration by id (read), and — only with {@code management.endpoint.migration.access=unrestricted}
 * — starting a migration and draining a worker (write). Access is {@link Access#READ_ONLY} by default, so
 * Actuator does not map the write operations at all until an operator enables them; secure
 * {@code /actuator/**} (e.g. with Spring Security) before doing so.
 *
 * <p>Over HTTP, {@link MigrationEndpointWebExtension} maps failures to status codes with a message.
 */
@Endpoint(id = "migration", defaultAccess = Access.READ_ONLY)
public class MigrationEndpoint {

    /** Reason recorded for migrations started through this endpoint. */
    public static final String REASON = "actuator";
    /** The only action of {@code POST /actuator/migration/{action}/{workerId}}. */
    public static final String DRAIN = "drain";

    private static final int MAX_DRAINS = 32;

    private final MigrationService migrations;
    private final Clock clock;
    /** Drains started here, latest per worker, oldest first. Guarded by itself. */
    private final Map<String, DrainRun> drains = new LinkedHashMap<>();

    /**
     * @param migrations the director's migration service
     * @param clock      for drain start times
     */
    public MigrationEndpoint(MigrationService migrations, Clock clock) {
        this.migrations = Objects.requireNonNull(migrations, "migrations");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Active migrations, recent ones (the tracker's bounded list), figures over recent outcomes, drains. */
    @ReadOperation
    public MigrationSummary summary() {
        Map<String, MigrationOutcome> outcomes = outcomesById();
        List<MigrationDescriptor> active = migrations.active().stream()
                .map(v -> MigrationDescriptor.of(v, null)).toList();
        List<MigrationDescriptor> recent = migrations.recent().stream() // most recently finished first
                .sorted(Comparator.comparing(MigrationView::finishedAt,
                        Comparator.nullsLast(Comparator.<Instant>reverseOrder())))
                .map(v -> MigrationDescriptor.of(v, outcomes.get(v.migrationId()))).toList();
        return new MigrationSummary(active.size(), active, recent, MigrationStatistics.of(outcomes.values()),
                drains());
    }

    /** One migration, active or recently finished; null (404) when unknown. */
    @ReadOperation
    public @Nullable MigrationDescriptor migration(@Selector String migrationId) {
        return migrations.find(migrationId).map(v -> MigrationDescriptor.of(v, v.finished()
                ? outcomesById().get(migrationId) : null)).orElse(null);
    }

    /**
     * Starts moving {@code sessionId} to {@code targetWorker}, or to the worker the load balancer picks.
     *
     * @throws IllegalArgumentException                without a session id
     * @throws io.rpcnet.migration.MigrationException as {@link MigrationService#migrate} does
     */
    @WriteOperation
    public StartedMigration start(@Nullable String sessionId, @Nullable String targetWorker) {
        if (sessionId == null || sessionId.isBlank()) {
            throw new IllegalArgumentException("sessionId is required, e.g. {\"sessionId\":\"...\"}");
        }
        String target = targetWorker == null || targetWorker.isBlank() ? null : targetWorker;
        MigrationService.Migration started = migrations.migrate(sessionId, target, MigrationParty.OPERATOR, REASON);
        MigrationView view = migrations.find(started.migrationId()).orElse(null);
        return new StartedMigration(started.migrationId(), sessionId, view == null ? null : view.source(),
                view == null ? target : view.target());
    }

    /**
     * Starts draining {@code workerId}, or returns the drain of it already running: the drain goes on in the
     * background, {@code GET /actuator/migration} shows how it went under {@code drains}. Selectors only, so
     * that a bare {@code curl -X POST} (no body, no content type) is accepted.
     *
     * @throws IllegalArgumentException for an action other than {@value #DRAIN} or an unknown worker
     */
    @WriteOperation
    public DrainDescriptor drain(@Selector String action, @Selector String workerId) {
        if (!DRAIN.equals(action)) {
            throw new IllegalArgumentException("unknown action '" + action + "'; use POST .../" + DRAIN
                    + "/{workerId}");
        }
        return startDrain(workerId).describe();
    }

    private DrainRun startDrain(String workerId) {
        synchronized (drains) {
            DrainRun running = drains.get(workerId);
            if (running != null && !running.report.isDone()) {
                return running;
            }
            DrainRun run = new DrainRun(workerId, clock.instant(), migrations.drain(workerId));
            drains.remove(workerId);
            drains.put(workerId, run);
            Iterator<DrainRun> oldest = drains.values().iterator();
            while (drains.size() > MAX_DRAINS && oldest.hasNext()) {
                oldest.next();
                oldest.remove();
            }
            return run;
        }
    }

    private Map<String, DrainDescriptor> drains() {
        synchronized (drains) {
            Map<String, DrainDescriptor> out = new LinkedHashMap<>();
            drains.forEach((worker, run) -> out.put(worker, run.describe()));
            return out;
        }
    }

    private Map<String, MigrationOutcome> outcomesById() {
        return migrations.recentOutcomes().stream().collect(Collectors.toMap(MigrationOutcome::migrationId,
                Function.identity(), (a, b) -> b, LinkedHashMap::new));
    }

    /** A drain and its future report. */
    private record DrainRun(String worker, Instant startedAt, CompletableFuture<DrainReport> report) {

        DrainDescriptor describe() {
            if (!report.isDone()) {
                return DrainDescriptor.draining(worker, startedAt);
            }
            try {
                return DrainDescriptor.finished(report.join(), startedAt);
            } catch (RuntimeException e) {
                return DrainDescriptor.failed(worker, startedAt, e.getCause() != null ? e.getCause() : e);
            }
        }
    }

    /**
     * What {@code GET /actuator/migration} returns.
     *
     * @param activeCount how many migrations are running
     * @param active      the running migrations, oldest first
     * @param recent      recently finished migrations (bounded), most recent first
     * @param outcomes    figures over recent outcomes (the coordinator keeps the last 1000)
     * @param drains      drains started through this endpoint, by worker
     */
    public record MigrationSummary(int activeCount, List<MigrationDescriptor> active,
                                   List<MigrationDescriptor> recent, MigrationStatistics outcomes,
                                   Map<String, DrainDescriptor> drains) {
    }

    /**
     * A migration just started; follow it at {@code /actuator/migration/{migrationId}}.
     *
     * @param migrationId the migration
     * @param sessionId   the session
     * @param source      the worker the session is on
     * @param target      the worker it moves to
     */
    public record StartedMigration(String migrationId, String sessionId, String source, String target) {
    }
}
