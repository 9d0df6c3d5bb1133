package io.rpcnet.migration.tracker;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.MigrationRequest;
import io.rpcnet.migration.state.MigrationStateMachine;
import io.rpcnet.migration.state.StateTransition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Active and recent migrations of one node. {@link #start} registers a migration and hands back its
 * {@link TrackedMigration} (with a fresh state machine) — refusing a second active migration of the same
 * session with {@link MigrationError#ALREADY_MIGRATING}. When a machine reaches COMPLETED or FAILED, its
 * final {@link MigrationView} moves to the recent list, which keeps at most {@code maxRecent} entries;
 * {@link #gc()} drops those finished longer ago than the retention period. Time comes from the
 * {@link Clock}. Thread-safe.
 *
 * <p>Locking: a machine's listener runs under the machine's lock and then takes the tracker's; the tracker
 * never calls into a machine while holding its own lock.
 */
public final class MigrationTracker {

    public static final int DEFAULT_MAX_RECENT = 100;
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

    private final int maxRecent;
    private final Duration retention;
    private final Clock clock;
    private final Map<String, TrackedMigration> active = new ConcurrentHashMap<>();
    private final Map<String, String> activeBySession = new ConcurrentHashMap<>();
    /** Finished migrations, newest first. Guarded by {@code this}. */
    private final ArrayDeque<MigrationView> recent = new ArrayDeque<>();

    public MigrationTracker(Clock clock) {
        this(DEFAULT_MAX_RECENT, DEFAULT_RETENTION, clock);
    }

    /**
     * @param maxRecent most finished migrations kept (oldest dropped first)
     * @param retention how long a finished migration is kept before {@link #gc()} drops it
     */
    public MigrationTracker(int maxRecent, Duration retention, Clock clock) {
        if (maxRecent < 0) {
            throw new IllegalArgumentException("maxRecent must be >= 0, got " + maxRecent);
        }
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must be >= 0, got " + retention);
        }
        this.maxRecent = maxRecent;
        this.retention = retention;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Starts tracking {@code request}; its machine is in IDLE.
     *
     * @throws MigrationException       {@link MigrationError#ALREADY_MIGRATING} if the session is already moving
     * @throws IllegalArgumentException if the migration id was used before and is still known
     */
    public TrackedMigration start(MigrationRequest request) {
        Objects.requireNonNull(request, "request");
        String id = request.migrationId();
        TrackedMigration tracked;
        synchronized (this) {
            if (active.containsKey(id) || recent.stream().anyMatch(v -> v.migrationId().equals(id))) {
                throw new IllegalArgumentException("migration id '" + id + "' is already in use");
            }
            String other = activeBySession.get(request.sessionId());
            if (other != null) {
                throw new MigrationException(MigrationError.ALREADY_MIGRATING, "session '" + request.sessionId()
                        + "' is already being migrated by '" + other + "'");
            }
            MigrationStateMachine machine = new MigrationStateMachine(id, clock);
            tracked = new TrackedMigration(request, machine);
            active.put(id, tracked);
            activeBySession.put(request.sessionId(), id);
            machine.addListener(this::onTransition);
        }
        return tracked;
    }

    /** The active migration {@code migrationId}. */
    public Optional<TrackedMigration> get(String migrationId) {
        return Optional.ofNullable(active.get(migrationId));
    }

    /** The active migration of {@code sessionId}. */
    public Optional<TrackedMigration> activeForSession(String sessionId) {
        String id = activeBySession.get(sessionId);
        return id == null ? Optional.empty() : get(id);
    }

    /** The view of {@code migrationId}, active or recent. */
    public Optional<MigrationView> find(String migrationId) {
        TrackedMigration t = active.get(migrationId);
        if (t != null) {
            return Optional.of(t.view(clock.instant()));
        }
        synchronized (this) {
            return recent.stream().filter(v -> v.migrationId().equals(migrationId)).findFirst();
        }
    }

    /** Views of the active migrations, oldest first. */
    public List<MigrationView> active() {
        Instant now = clock.instant();
        List<MigrationView> views = new ArrayList<>();
        for (TrackedMigration t : List.copyOf(active.values())) {
            views.add(t.view(now));
        }
        views.sort(Comparator.comparing(MigrationView::startedAt).thenComparing(MigrationView::migrationId));
        return views;
    }

    /** Views of the retained finished migrations, most recent first. */
    public synchronized List<MigrationView> recent() {
        return List.copyOf(recent);
    }

    public int activeCount() {
        return active.size();
    }

    /** Active and recent views at one instant. */
    public TrackerSnapshot snapshot() {
        Instant now = clock.instant();
        return new TrackerSnapshot(now, active(), recent());
    }

    /**
     * Drops finished migrations that finished at least the retention period ago.
     *
     * @return how many were dropped
     */
    public synchronized int gc() {
        Instant cutoff = clock.instant().minus(retention);
        int before = recent.size();
        recent.removeIf(v -> !v.finishedAt().isAfter(cutoff));
        return before - recent.size();
    }

    private void onTransition(String migrationId, StateTransition t) {
        if (!t.toState().isTerminal()) {
            return;
        }
        TrackedMigration tracked = active.get(migrationId);
        if (tracked == null) {
            return;
        }
        MigrationView view = tracked.view(clock.instant()); // under the machine's lock, not ours
        synchronized (this) {
            active.remove(migrationId);
            activeBySession.remove(tracked.request().sessionId(), migrationId);
            recent.addFirst(view);
            while (recent.size() > maxRecent) {
                recent.removeLast();
            }
        }
    }
}
