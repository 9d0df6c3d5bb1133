package io.rpcnet.testing;

import io.rpcnet.service.StreamObserver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs a server-streaming call and returns everything it received, failing if the stream ends with an error. */
public final class StreamCollector {

    private StreamCollector() {
    }

    /** Starts the call with an observer and waits (at most 10 s) for the stream to complete. */
    public static <T> List<T> collect(Consumer<StreamObserver<T>> call) {
        List<T> received = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> done = new CompletableFuture<>();
        call.accept(new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        done.orTimeout(10, TimeUnit.SECONDS).join();
        return List.copyOf(received);
    }
}
