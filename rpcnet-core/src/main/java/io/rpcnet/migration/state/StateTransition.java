package io.rpcnet.migration.state;

import io.rpcnet.migration.MigrationError;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a migration's history: from which state (and phase) to which, when, and for a failure,
 * why. Phases are null outside {@link MigrationState#TRANSFERRING} (except that a failure or completion
 * records the phase it left).
 *
 * @param fromState the state before
 * @param fromPhase the phase before, or null
 * @param toState   the state after
 * @param toPhase   the phase after, or null
 * @param at        when, from the machine's clock
 * @param error     the cause when {@code toState} is FAILED, else null
 * @param detail    free text, never null
 */
public record StateTransition(MigrationState fromState, MigrationPhase fromPhase, MigrationState toState,
                              MigrationPhase toPhase, Instant at, MigrationError error, String detail) {

    public StateTransition {
        Objects.requireNonNull(fromState, "fromState");
        Objects.requireNonNull(toState, "toState");
        Objects.requireNonNull(at, "at");
        detail = detail == null ? "" : detail;
    }
}
