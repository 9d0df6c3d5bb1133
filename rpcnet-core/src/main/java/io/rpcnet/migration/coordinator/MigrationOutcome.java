package io.rpcnet.migration.coordinator;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationParty;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How one migration ended: what metrics, Actuator and callers of {@link MigrationService#migrate} see.
 *
 * @param migrationId the migration
 * @param sessionId   the session
 * @param source      the worker it came from
 * @param target      the worker it was moving to
 * @param requestedBy who asked
 * @param reason      why (free text, e.g. {@code drain})
 * @param completed   whether the session now lives on the target; otherwise it stayed on the source (or was
 *                    lost with a crashed source)
 * @param error       why it failed; empty when completed
 * @param detail      a human-readable explanation of a failure; empty when completed
 * @param duration    from start to finish
 * @param pause       how long the session's calls were held at the cut-over (zero if it never got there)
 * @param stateBytes  the encoded size of the session's state (0 if unknown)
 * @param newEpoch    the session's epoch after a completed migration (the old one otherwise)
 * @param finishedAt  when it ended
 */
public record MigrationOutcome(String migrationId, String sessionId, String source, String target,
                               MigrationParty requestedBy, String reason, boolean completed,
                               Optional<MigrationError> error, String detail, Duration duration, Duration pause,
                               long stateBytes, long newEpoch, Instant finishedAt) {
}
