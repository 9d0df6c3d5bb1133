package io.rpcnet.migration.state;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.internal.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one migration. Allows exactly the transitions of {@link MigrationState} and, within
 * TRANSFERRING, the phases BASE_COPY → CATCH_UP → CUT_OVER in order; COMPLETED is reached only from
 * CUT_OVER, and FAILED needs a {@link MigrationError}. Anything else throws
 * {@link IllegalTransitionException} and changes nothing. Every transition is recorded with its time from
 * the injected {@link Clock} and passed to the listeners.
 *
 * <p>Thread-safe: transitions are serialized, so two threads racing to, say, complete and fail a migration
 * get one success and one {@link IllegalTransitionException}.
 */
public final class MigrationStateMachine {

    private static final Logger log = LoggerFactory.getLogger(MigrationStateMachine.class);

    private final String migrationId;
    private final Clock clock;
    private final Instant createdAt;
    private final List<StateTransition> history = new ArrayList<>();
    private final List<MigrationStateListener> listeners = new CopyOnWriteArrayList<>();
    private MigrationState state = MigrationState.IDLE;
    private MigrationPhase phase;
    private MigrationError failure;
    private Instant finishedAt;
    private boolean notifying;

    public MigrationStateMachine(String migrationId, Clock clock) {
        this.migrationId = Ids.require("migrationId", migrationId);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.createdAt = clock.instant();
    }

    public String migrationId() {
        return migrationId;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public synchronized MigrationState state() {
        return state;
    }

    /**
     * The current phase while TRANSFERRING; after COMPLETED or FAILED, the last phase reached (null if the
     * migration never transferred); null before.
     */
    public synchronized MigrationPhase phase() {
        return phase;
    }

    /** Why it failed, once FAILED. */
    public synchronized Optional<MigrationError> failure() {
        return Optional.ofNullable(failure);
    }

    /** When it reached COMPLETED or FAILED. */
    public synchronized Optional<Instant> finishedAt() {
        return Optional.ofNullable(finishedAt);
    }

    public synchronized boolean isTerminal() {
        return state.isTerminal();
    }

    /** Every transition so far, oldest first (a copy). */
    public synchronized List<StateTransition> history() {
        return List.copyOf(history);
    }

    public void addListener(MigrationStateListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(MigrationStateListener listener) {
        listeners.remove(listener);
    }

    /** IDLE → PREPARING. */
    public void prepare() {
        transition(MigrationState.PREPARING, null, null, "");
    }

    /** PREPARING → TRANSFERRING in phase BASE_COPY. */
    public void startTransfer() {
        transition(MigrationState.TRANSFERRING, MigrationPhase.BASE_COPY, null, "");
    }

    /** Within TRANSFERRING, to the next phase; {@code next} must be the one after the current. */
    public synchronized void enterPhase(MigrationPhase next) {
        Objects.requireNonNull(next, "next");
        if (state != MigrationState.TRANSFERRING) {
            throw illegal(MigrationState.TRANSFERRING, next, "phases change only within TRANSFERRING"
                    + (state == MigrationState.PREPARING ? "; use startTransfer()" : ""));
        }
        transition(MigrationState.TRANSFERRING, next, null, "");
    }

    /** TRANSFERRING/CUT_OVER → COMPLETED. */
    public void complete() {
        transition(MigrationState.COMPLETED, null, null, "");
    }

    /** PREPARING or TRANSFERRING → FAILED. */
    public void fail(MigrationError error, String detail) {
        transition(MigrationState.FAILED, null, Objects.requireNonNull(error, "error"), detail);
    }

    /**
     * The general form behind the methods above.
     *
     * @param to     the target state
     * @param toPhase the phase when {@code to} is TRANSFERRING (null means BASE_COPY when entering it); must be
     *               null otherwise
     * @param error  required when {@code to} is FAILED, null otherwise
     * @param detail free text for the history
     * @return the recorded transition
     * @throws IllegalTransitionException if not allowed; nothing changes
     */
    public synchronized StateTransition transition(MigrationState to, MigrationPhase toPhase, MigrationError error,
                                                   String detail) {
        Objects.requireNonNull(to, "to");
        if (notifying) {
            throw new IllegalStateException("migration '" + migrationId
                    + "': a listener must not transition the machine it listens to");
        }
        MigrationPhase targetPhase = checkAllowed(to, toPhase, error);
        StateTransition t = new StateTransition(state, phase, to, targetPhase, clock.instant(), error, detail);
        state = to;
        if (to == MigrationState.TRANSFERRING) {
            phase = targetPhase;
        }
        if (to.isTerminal()) {
            finishedAt = t.at();
            failure = error;
        }
        history.add(t);
        notifyListeners(t);
        return t;
    }

    /** Validates and returns the phase the machine will be in. */
    private MigrationPhase checkAllowed(MigrationState to, MigrationPhase toPhase, MigrationError error) {
        if (!state.canTransitionTo(to) && !(state == MigrationState.TRANSFERRING && to == MigrationState.TRANSFERRING)) {
            throw illegal(to, toPhase, state.isTerminal() ? state + " is final"
                    : "allowed from " + state + ": " + state.successors());
        }
        if (to == MigrationState.FAILED ? error == null : error != null) {
            throw illegal(to, toPhase, to == MigrationState.FAILED ? "a failure needs a MigrationError"
                    : "only FAILED carries an error");
        }
        if (to != MigrationState.TRANSFERRING) {
            if (toPhase != null) {
                throw illegal(to, toPhase, "only TRANSFERRING has phases");
            }
            if (to == MigrationState.COMPLETED && phase != MigrationPhase.CUT_OVER) {
                throw illegal(to, null, "completion requires phase CUT_OVER, current phase is " + phase);
            }
            return phase;
        }
        if (state == MigrationState.PREPARING) {
            if (toPhase != null && toPhase != MigrationPhase.BASE_COPY) {
                throw illegal(to, toPhase, "a transfer starts with BASE_COPY");
            }
            return MigrationPhase.BASE_COPY;
        }
        // TRANSFERRING -> TRANSFERRING: a phase change
        if (toPhase == null || toPhase != phase.next()) {
            throw illegal(to, toPhase, "phases run BASE_COPY -> CATCH_UP -> CUT_OVER; after " + phase + " comes "
                    + (phase.next() == null ? "only COMPLETED or FAILED" : phase.next()));
        }
        return toPhase;
    }

    private IllegalTransitionException illegal(MigrationState to, MigrationPhase toPhase, String why) {
        return new IllegalTransitionException(migrationId, state, phase, to, toPhase, why);
    }

    private void notifyListeners(StateTransition t) {
        notifying = true;
        try {
            for (MigrationStateListener l : listeners) {
                try {
                    l.onTransition(migrationId, t);
                } catch (RuntimeException e) {
                    log.warn("migration '{}': listener {} failed on {} -> {}: {}", migrationId, l, t.fromState(),
                            t.toState(), e.toString());
                }
            }
        } finally {
            notifying = false;
        }
    }

    @Override
    public synchronized String toString() {
        return "MigrationStateMachine[" + migrationId + ", " + state + (phase != null ? "/" + phase : "") + "]";
    }
}
