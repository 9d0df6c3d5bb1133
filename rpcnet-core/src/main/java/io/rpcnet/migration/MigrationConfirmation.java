package io.rpcnet.migration;

import io.rpcnet.migration.internal.Ids;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a migration step: the target confirming it restored the state (or refusing, with the
 * reason), or the director confirming the cut-over. Immutable so it can be logged, sent and compared.
 *
 * @param migrationId     the migration this answers
 * @param sessionId       the session moved
 * @param confirmedBy     who answers
 * @param accepted        whether the step succeeded
 * @param snapshotVersion the session version restored (accepted) or last seen (refused); {@code -1} if none
 * @param newEpoch        the session epoch after the cut-over; {@code -1} if unchanged
 * @param confirmedAt     when the answer was made
 * @param error           why it was refused; null if and only if {@code accepted}
 * @param message         detail for operators; never null
 */
public record MigrationConfirmation(String migrationId, String sessionId, MigrationParty confirmedBy,
                                    boolean accepted, long snapshotVersion, long newEpoch, Instant confirmedAt,
                                    MigrationError error, String message) {

    public MigrationConfirmation {
        Ids.require("migrationId", migrationId);
        Ids.require("sessionId", sessionId);
        Objects.requireNonNull(confirmedBy, "confirmedBy");
        Objects.requireNonNull(confirmedAt, "confirmedAt");
        if (accepted && error != null) {
            throw new IllegalArgumentException("an accepted confirmation carries no error, got " + error);
        }
        if (!accepted && error == null) {
            throw new IllegalArgumentException("a refusal must say why (error is null)");
        }
        if (snapshotVersion < -1 || newEpoch < -1) {
            throw new IllegalArgumentException("snapshotVersion and newEpoch must be >= -1");
        }
        message = message == null ? "" : message;
    }

    /** A successful step. */
    public static MigrationConfirmation accepted(MigrationRequest request, MigrationParty by, long snapshotVersion,
                                                 long newEpoch, Instant at) {
        return new MigrationConfirmation(request.migrationId(), request.sessionId(), by, true, snapshotVersion,
                newEpoch, at, null, "");
    }

    /** A refused step, from an exception raised by one of the building blocks. */
    public static MigrationConfirmation refused(MigrationRequest request, MigrationParty by, MigrationException e,
                                                Instant at) {
        return new MigrationConfirmation(request.migrationId(), request.sessionId(), by, false, -1, -1, at,
                e.error(), e.getMessage());
    }

    /** The error, if refused. */
    public Optional<MigrationError> failure() {
        return Optional.ofNullable(error);
    }
}
