package io.rpcnet.migration.coordinator;

import io.rpcnet.director.CallHold;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.MigrationRequest;
import io.rpcnet.session.StreamInterruption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The first step of a cut-over, once the session's new calls are held at the director: the session's calls
 * already in flight must end within the pause budget. With {@link StreamPolicy#INTERRUPT} its streaming calls
 * are ended at once through the director ({@link StreamInterruption}: their clients re-open them, and the
 * re-opened streams wait on the hold and then run on the new owner); unary calls are always awaited, never
 * interrupted. Remembers whether the budget ran out with streaming calls still running, which is what makes a
 * drain retry the session with {@code INTERRUPT}.
 */
final class CutOverCalls {

    private static final Logger log = LoggerFactory.getLogger(CutOverCalls.class);

    private final DirectorGateway gateway;
    private final MigrationRequest request;
    private final MigrationSettings settings;
    private final StreamPolicy policy;
    private volatile boolean blockedByStreams;

    CutOverCalls(DirectorGateway gateway, MigrationRequest request, MigrationSettings settings, StreamPolicy policy) {
        this.gateway = gateway;
        this.request = request;
        this.settings = settings;
        this.policy = policy;
    }

    /**
     * Interrupts the session's streams if the policy says so, then waits for its in-flight calls to end within
     * what is left of the pause budget since {@code holdStartNanos}.
     *
     * @throws MigrationException PAUSE_BUDGET_EXCEEDED when calls are still running at the end of the budget,
     *                            ABORTED when the hold ended or the thread was interrupted
     */
    void awaitEnd(CallHold hold, long holdStartNanos) {
        if (policy == StreamPolicy.INTERRUPT) {
            interruptStreams();
        }
        long left = settings.pauseBudget().toNanos() - (System.nanoTime() - holdStartNanos);
        try {
            hold.inFlightDrained().get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            int streams = gateway.inFlightStreams(request.sessionId());
            blockedByStreams = streams > 0;
            throw new MigrationException(MigrationError.PAUSE_BUDGET_EXCEEDED, hold.inFlight() + " call(s) of the"
                    + " session (" + streams + " streaming) were still running when the pause budget of "
                    + settings.pauseBudget().toMillis() + " ms ran out");
        } catch (ExecutionException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new MigrationException(MigrationError.ABORTED, "interrupted while holding calls");
        }
    }

    /** Whether the pause budget ran out while streaming calls of the session were still in flight. */
    boolean blockedByStreams() {
        return blockedByStreams;
    }

    private void interruptStreams() {
        String session = request.sessionId();
        int interrupted = gateway.interruptStreams(session, StreamInterruption.status(session,
                request.sourceWorker(), request.targetWorker(), "drain"), StreamInterruption.trailers());
        log.info("migration {}: session {} moving {} -> {} (drain retry): {} streaming call(s) interrupted at the"
                        + " cut-over; their clients re-open them", request.migrationId(), session,
                request.sourceWorker(), request.targetWorker(), interrupted);
    }
}
