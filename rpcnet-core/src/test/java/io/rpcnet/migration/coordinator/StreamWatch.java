package io.rpcnet.migration.coordinator;

import io.rpcnet.client.ClientCallHandle;
import io.rpcnet.client.ClientResponseObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A server stream's observer for tests: what it received, how it ended, and a way to cancel it. */
final class StreamWatch implements ClientResponseObserver<String> {

    final List<String> received = new CopyOnWriteArrayList<>();
    /** Completes with the error the stream ended with. */
    final CompletableFuture<Throwable> error = new CompletableFuture<>();
    /** Completes when the stream completed normally. */
    final CompletableFuture<Void> completed = new CompletableFuture<>();
    private volatile ClientCallHandle call;

    @Override
    public void beforeStart(ClientCallHandle call) {
        this.call = call;
    }

    @Override
    public void onNext(String value) {
        received.add(value);
    }

    @Override
    public void onError(Throwable e) {
        error.complete(e);
    }

    @Override
    public void onCompleted() {
        completed.complete(null);
    }

    int count() {
        return received.size();
    }

    String last() {
        return received.isEmpty() ? null : received.get(received.size() - 1);
    }

    boolean ended() {
        return error.isDone() || completed.isDone();
    }

    /** Cancels the stream if it is still running. */
    void cancel() {
        ClientCallHandle c = call;
        if (c != null && !ended()) {
            c.cancel("test done");
        }
    }
}
