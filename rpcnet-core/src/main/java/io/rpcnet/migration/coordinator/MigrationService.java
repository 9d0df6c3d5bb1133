package io.rpcnet.migration.coordinator;

import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.tracker.MigrationView;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Moves live sessions between workers: the operations API that Actuator, drains on shutdown and
 * applications build on. Implemented by {@link MigrationCoordinator} on the director.
 */
public interface MigrationService {

    /**
     * Starts moving {@code sessionId} to {@code targetWorker} (null: the load balancer picks one other than
     * the current owner). Returns at once; the migration runs in the background.
     *
     * @throws io.rpcnet.migration.MigrationException ALREADY_MIGRATING if the session is moving already,
     *                                                TARGET_UNAVAILABLE for an unknown, unfit or same target,
     *                                                SOURCE_UNAVAILABLE for a session the director does not route
     */
    Migration migrate(String sessionId, String targetWorker, MigrationParty requestedBy, String reason);

    /**
     * Drains {@code workerId}: no new sessions land on it, every session it holds moves elsewhere (bounded
     * concurrency), and it reports DRAINED once it holds none.
     *
     * @throws IllegalArgumentException for a worker the director does not know
     */
    CompletableFuture<DrainReport> drain(String workerId);

    /** Whether {@code workerId} has been drained (and not joined again since). */
    boolean isDrained(String workerId);

    /** The active migrations, oldest first. */
    List<MigrationView> active();

    /** Recently finished migrations (bounded), most recent last. */
    List<MigrationView> recent();

    /** A migration active or recently finished. */
    Optional<MigrationView> find(String migrationId);

    /** How recently finished migrations ended (bounded), most recent last. */
    List<MigrationOutcome> recentOutcomes();

    /** A started migration: its id at once, its outcome when it ends (the future never fails). */
    record Migration(String migrationId, CompletableFuture<MigrationOutcome> outcome) {
    }
}
