package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.membership.MembershipService.DrainRequest;
import io.rpcnet.cluster.membership.MembershipService.DrainResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The director's side of {@code drain} after authentication: hands the member to the installed
 * {@link DrainHandler} and turns what happens into the answer, never into an error: no handler, a handler that
 * throws or fails, a timeout, all become {@code drained=false} with a message. Waiting holds no thread (the
 * request's timeout is applied to a copy of the drain's future, so the handler's own future is never completed
 * or cancelled by the director). One drain per member at a time: a member that asks again while its drain runs
 * waits for the same outcome. Split from {@link DirectorMembership} so the service class keeps only the protocol.
 */
final class DirectorDrains {

    /** Same logger as the director, so one category covers the director side of the membership. */
    private static final Logger log = LoggerFactory.getLogger(DirectorMembership.class);
    static final String NO_COORDINATOR = "no migration coordinator runs on this director; nothing was drained";

    private volatile DrainHandler handler;
    /** Drains in progress; each future completes normally, once, with the handler's (normalized) outcome. */
    private final ConcurrentHashMap<MemberId, CompletableFuture<DrainResult>> running = new ConcurrentHashMap<>();

    void handler(DrainHandler handler) {
        this.handler = handler;
    }

    int inProgress() {
        return running.size();
    }

    /** The answer to an authenticated drain of {@code member}; completes normally only. */
    CompletableFuture<DrainResult> drain(MemberId member, long incarnation, long timeoutMillis) {
        DrainHandler h = handler;
        if (h == null) {
            log.info("member '{}' (incarnation {}) asks to be drained: no migration coordinator runs on this "
                    + "director, it leaves without a drain", member, incarnation);
            return CompletableFuture.completedFuture(new DrainResult(false, 0, 0, 0, NO_COORDINATOR));
        }
        long timeout = Math.min(timeoutMillis, DrainRequest.MAX_TIMEOUT_MILLIS);
        CompletableFuture<DrainResult> mine = new CompletableFuture<>();
        CompletableFuture<DrainResult> drain = running.putIfAbsent(member, mine);
        if (drain == null) {
            log.info("draining member '{}' (incarnation {}, timeout {} ms)", member, incarnation, timeout);
            drain = mine;
            start(h, member, mine);
        } else {
            log.info("member '{}' asks to be drained again: waiting for the drain already running", member);
        }
        // only the timeout can fail the copy: the drain's own future always completes normally
        return drain.copy().orTimeout(timeout, TimeUnit.MILLISECONDS).exceptionally(timedOut -> {
            log.info("drain of member '{}' did not finish within {} ms; it leaves anyway", member, timeout);
            return new DrainResult(false, 0, 0, 0, "drain of '" + member + "' did not finish within " + timeout
                    + " ms");
        });
    }

    private void start(DrainHandler h, MemberId member, CompletableFuture<DrainResult> mine) {
        mine.whenComplete((r, e) -> running.remove(member, mine));
        CompletableFuture<DrainResult> started;
        try {
            started = h.drain(member);
        } catch (Throwable e) {
            mine.complete(outcome(member, null, e));
            if (e instanceof Error error) {
                throw error;
            }
            return;
        }
        if (started == null) {
            mine.complete(outcome(member, null, new IllegalStateException("the drain handler returned no future")));
            return;
        }
        started.whenComplete((result, error) -> mine.complete(outcome(member, result, error)));
    }

    private static DrainResult outcome(MemberId member, DrainResult result, Throwable error) {
        if (error != null) {
            Throwable cause = unwrap(error);
            log.warn("drain of member '{}' failed", member, cause);
            return new DrainResult(false, 0, 0, 0, "drain of '" + member + "' failed: " + describe(cause));
        }
        if (result == null) {
            log.warn("drain of member '{}': the drain handler completed without a result", member);
            return new DrainResult(false, 0, 0, 0, "drain of '" + member + "' ended without a result");
        }
        log.info("drain of member '{}' finished: drained={}, {} sessions migrated, {} failed, {} remaining{}", member,
                result.drained(), result.migrated(), result.failed(), result.remaining(),
                result.message() == null ? "" : " (" + result.message() + ")");
        return result;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
