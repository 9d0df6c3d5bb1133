package io.rpcnet.migration.participant;

import io.rpcnet.migration.snapshot.StateHandlers;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.migration.transfer.SnapshotTransfer;
import io.rpcnet.session.SessionManager;

import java.time.Clock;
import java.time.Instant;

/** What the source and target halves of a {@link MigrationParticipant} share. */
record ParticipantContext(String workerId, SessionManager sessions, StateHandlers handlers,
                          SnapshotTransfer transfer, MigrationTokenManager tokens, DeltaSealer sealer, Clock clock) {

    long nowMillis() {
        return clock.millis();
    }

    Instant now() {
        return clock.instant();
    }
}
