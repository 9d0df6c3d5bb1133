package io.rpcnet.migration.tracker;

import io.rpcnet.migration.MigrationRequest;
import io.rpcnet.migration.state.MigrationPhase;
import io.rpcnet.migration.state.MigrationState;
import io.rpcnet.migration.state.MigrationStateMachine;
import io.rpcnet.migration.state.StateTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A migration as the tracker follows it: its request, its {@link MigrationStateMachine} (which the
 * coordinator drives) and byte counters the transfer updates. Thread-safe.
 */
public final class TrackedMigration {

    private final MigrationRequest request;
    private final MigrationStateMachine machine;
    private final Instant startedAt;
    private final AtomicLong bytesTotal = new AtomicLong();
    private final AtomicLong bytesTransferred = new AtomicLong();

    TrackedMigration(MigrationRequest request, MigrationStateMachine machine) {
        this.request = request;
        this.machine = machine;
        this.startedAt = machine.createdAt();
    }

    public MigrationRequest request() {
        return request;
    }

    public MigrationStateMachine machine() {
        return machine;
    }

    public String migrationId() {
        return request.migrationId();
    }

    /** Sets the number of state bytes the transfer will send. */
    public void bytesTotal(long total) {
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0, got " + total);
        }
        bytesTotal.set(total);
    }

    /** Adds {@code n} bytes sent. */
    public void addBytesTransferred(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        bytesTransferred.addAndGet(n);
    }

    /**
     * Progress: 0 until the transfer starts; BASE_COPY spans 0–80 by bytes sent out of the total;
     * CATCH_UP is 80–95 (by bytes beyond the base copy, when the total covers them); CUT_OVER is 95; COMPLETED
     * is 100; FAILED keeps the value it had.
     */
    public int progressPercent() {
        MigrationState s = machine.state();
        MigrationPhase p = machine.phase();
        if (s == MigrationState.COMPLETED) {
            return 100;
        }
        if (p == null) {
            return 0;
        }
        long total = bytesTotal.get();
        double fraction = total > 0 ? Math.min(1.0, (double) bytesTransferred.get() / total) : 0;
        return switch (p) {
            case BASE_COPY -> (int) Math.floor(80 * fraction);
            case CATCH_UP -> 80 + (int) Math.floor(15 * fraction);
            case CUT_OVER -> 95;
        };
    }

    /** A picture of this migration at {@code now}. */
    public MigrationView view(Instant now) {
        MigrationState s;
        MigrationPhase p;
        Instant finished;
        List<StateTransition> history;
        synchronized (machine) {
            s = machine.state();
            p = machine.phase();
            finished = machine.finishedAt().orElse(null);
            history = machine.history();
        }
        StateTransition last = history.isEmpty() ? null : history.get(history.size() - 1);
        Instant end = finished != null ? finished : now;
        Duration elapsed = end.isBefore(startedAt) ? Duration.ZERO : Duration.between(startedAt, end);
        return new MigrationView(request.migrationId(), request.sessionId(), request.sourceWorker(),
                request.targetWorker(), request.requestedBy(), s, p, progressPercent(), bytesTransferred.get(),
                bytesTotal.get(), startedAt, elapsed, finished, last == null ? null : last.error(),
                last == null ? "" : last.detail());
    }
}
