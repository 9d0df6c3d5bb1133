package io.rpcnet.boot.autoconfigure.migration.actuate;

import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.tracker.MigrationView;

import java.time.Instant;

/**
 * One migration as {@code /actuator/migration} shows it: the tracker's view and, once it has finished, what
 * its outcome adds (reason, pause, state size). The outcome is recorded just after the state turns final (the
 * coordinator confirms the hand-over with the source in between): until then those fields are null and
 * {@code durationMs} runs to the final state.
 *
 * @param migrationId      the migration
 * @param sessionId        the session
 * @param source           the worker it moves from
 * @param target           the worker it moves to
 * @param requestedBy      who asked ({@code OPERATOR}, {@code SYSTEM} for drains, ...)
 * @param reason           why, once the outcome is recorded (e.g. {@code actuator}, {@code drain of w1})
 * @param state            {@code IDLE}, {@code PREPARING}, {@code TRANSFERRING}, {@code COMPLETED} or {@code FAILED}
 * @param phase            {@code BASE_COPY}, {@code CATCH_UP} or {@code CUT_OVER} (the last reached once finished)
 * @param progressPercent  0 to 100
 * @param bytesTransferred state bytes sent so far
 * @param bytesTotal       state bytes expected, 0 if not known yet
 * @param startedAt        when it started
 * @param finishedAt       when it finished, or null
 * @param durationMs       start to finish, or start to now while active
 * @param pauseMs          how long the session's calls were held at the cut-over, once the outcome is recorded
 * @param stateBytes       the encoded size of the session's state, once the outcome is recorded
 * @param error            why it failed, or null
 * @param detail           a human-readable explanation of a failure
 */
public record MigrationDescriptor(String migrationId, String sessionId, String source, String target,
                                  String requestedBy, String reason, String state, String phase, int progressPercent,
                                  long bytesTransferred, long bytesTotal, Instant startedAt, Instant finishedAt,
                                  double durationMs, Double pauseMs, Long stateBytes, String error, String detail) {

    /** {@code view}, completed by {@code outcome} when known (may be null). */
    static MigrationDescriptor of(MigrationView view, MigrationOutcome outcome) {
        double duration = outcome != null ? MigrationStatistics.millis(outcome.duration())
                : MigrationStatistics.millis(view.elapsed());
        return new MigrationDescriptor(view.migrationId(), view.sessionId(), view.source(), view.target(),
                name(view.requestedBy()), outcome == null ? null : outcome.reason(), name(view.state()),
                name(view.phase()), view.progressPercent(), view.bytesTransferred(), view.bytesTotal(),
                view.startedAt(), view.finishedAt(), duration,
                outcome == null ? null : MigrationStatistics.millis(outcome.pause()),
                outcome == null ? null : outcome.stateBytes(), name(view.error()),
                view.detail() == null || view.detail().isEmpty() ? null : view.detail());
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }
}
