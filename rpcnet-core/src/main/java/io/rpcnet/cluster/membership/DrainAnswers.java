package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.membership.MembershipService.DrainResult;
import io.rpcnet.protocol.RpcException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Combines what the directors a worker asked to drain it answered into the one {@link DrainResult} of
 * {@link WorkerMembershipAgent#requestDrain}: drained only if every director that answered drained it (and at
 * least one did answer), counts summed, messages kept (prefixed with the director's seed when there are several).
 * A failed call (unreachable director, deadline, a director without {@code drain}) counts as {@code drained=false}
 * with its error, so the combined stage never fails.
 */
final class DrainAnswers {

    /**
     * One director's answer.
     *
     * @param seed   the director
     * @param result its answer, or {@code null} if the call failed or it turned out not to have the worker
     * @param error  why the call failed, or {@code null}
     */
    record Answer(String seed, DrainResult result, Throwable error) {
    }

    private DrainAnswers() {
    }

    /** The answer when no director was asked: none has the worker ({@code why}, e.g. "it has not joined yet"). */
    static DrainResult notJoined(MemberId id, String why) {
        return new DrainResult(false, 0, 0, 0, "member '" + id + "' is not joined to any director (" + why
                + "); nothing was drained");
    }

    /** Completes when every answer is in; never exceptionally. */
    static CompletableFuture<DrainResult> whenAllAnswered(MemberId id, List<CompletableFuture<Answer>> answers) {
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture[0])).handle((v, e) -> {
            List<Answer> in = new ArrayList<>();
            for (CompletableFuture<Answer> a : answers) {
                Answer answer = a.getNow(null); // all done; handle() made each one complete normally
                if (answer != null && (answer.result() != null || answer.error() != null)) {
                    in.add(answer);
                }
            }
            return combineAnswers(id, in);
        });
    }

    static DrainResult combineAnswers(MemberId id, List<Answer> answers) {
        if (answers.isEmpty()) {
            return notJoined(id, "no director has accepted it");
        }
        boolean drained = true;
        int migrated = 0;
        int failed = 0;
        int remaining = 0;
        List<String> messages = new ArrayList<>();
        for (Answer a : answers) {
            DrainResult r = a.result() != null ? a.result()
                    : new DrainResult(false, 0, 0, 0, "drain request failed: " + describe(a.error()));
            drained &= r.drained();
            migrated += r.migrated();
            failed += r.failed();
            remaining += r.remaining();
            String message = r.message() == null ? (r.drained() ? "drained" : "not drained") : r.message();
            messages.add(answers.size() == 1 ? message : a.seed() + ": " + message);
        }
        return new DrainResult(drained, migrated, failed, remaining, String.join("; ", messages));
    }

    private static String describe(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RpcException e) {
            return e.code() + ": " + e.status().message();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
