package io.rpcnet.migration.tracker;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.state.MigrationPhase;
import io.rpcnet.migration.state.MigrationState;
import java.time.Duration;
import java.time.Instant;

/**
 * A point-in-time, immutable picture of one migration, as shown by {@code /actuator/migration}.
 *
 * @param migrationId      the migration
 * @param sessionId        the session
 * @param source           the source worker
 * @param target           the target worker
 * @param requestedBy      who asked
 * @param state            its state
 * @param phase            its phase (see {@link io.rpcnet.migration.state.MigrationStateMachine#phase()}), or null
 * @param progressPercent  0..100, see {@link TrackedMigration#progressPercent()}
 * @param bytesTransferred state bytes sent so far
 * @param bytesTotal       state bytes expected, 0 if not known yet
 * @param startedAt        when tracking started
 * @param elapsed          time from start to now, or to the finish
 * @param finishedAt       when it completed or failed, or null
 * @param error            why it failed, or null
 * @param detail           the last transition's detail
 */
public record MigrationView(String migrationId, String sessionId, String source, String target,
                            MigrationParty requestedBy, MigrationState state, MigrationPhase phase,
                            int progressPercent, long bytesTransferred, long bytesTotal, Instant startedAt,
                            Duration elapsed, Instant finishedAt, MigrationError error, String detail) {

    public boolean finished() {
        return state.isTerminal();
    }
}
