package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.membership.MembershipService.DrainResult;

import java.util.concurrent.CompletableFuture;

/**
 * What a director does when a worker asks to be drained before it shuts down gracefully: move all of that
 * worker's sessions to other workers. The director's migration coordinator installs one with
 * {@link DirectorMembership#drainHandler(DrainHandler)}; without one, drain requests are answered at once with
 * {@code drained=false}.
 *
 * <p>Called on a handler thread of the director's server once per drain (a member that asks again while its
 * drain runs waits for the same future), after the member's token was checked. It should return promptly and
 * complete the future when the drain is over; the director waits for it without holding a thread, at most for
 * the worker's timeout ({@link MembershipService.DrainRequest#MAX_TIMEOUT_MILLIS} at most). When that timeout
 * passes first the worker is told {@code drained=false}, and the future is left alone (not cancelled): moves
 * still running may finish. A handler that throws, or whose future fails, gives {@code drained=false} with the
 * error's message.
 */
@FunctionalInterface
public interface DrainHandler {

    /**
     * Starts moving every session of {@code member} to other workers.
     *
     * @param member the worker being drained; it stays a member until it leaves
     * @return the outcome: sessions moved, failed and left on the worker, and {@code drained} when none is left
     */
    CompletableFuture<DrainResult> drain(MemberId member);
}
