package io.rpcnet.cluster.client;

import io.rpcnet.service.Idempotent;
import io.rpcnet.service.StreamObserver;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** What the cluster tests call: every method answers with the id of the worker that served it. */
public interface WorkerProbe {

    @Idempotent
    String whoAmI();

    @Idempotent
    CompletableFuture<String> whoAmIAsync(String note);

    /** Waits until the test opens {@code gate}; safe to repeat. */
    @Idempotent
    String holdIdempotent(String gate);

    /** Waits until the test opens {@code gate}; not safe to repeat. */
    String hold(String gate);

    /** Not safe to repeat (think "append to a ledger"). */
    String record(String token);

    /** Sends "id:n", "id:n-1", ..., "id:1". */
    void countdown(Integer from, StreamObserver<String> out);

    /** "id:" followed by the parts joined with '+'. */
    String concat(Stream<String> parts);

    /** Answers each message with "id:message". */
    StreamObserver<String> echo(StreamObserver<String> out);
}
