package io.rpcnet.testing;

import io.rpcnet.client.ClientCallHandle;
import io.rpcnet.client.ClientResponseObserver;
import io.rpcnet.testing.EchoService.Message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Records a stream of {@link Message}s and its end ({@code done} completes with {@code null} when completed,
 * with the error otherwise). Subclass to slow down or inspect delivery.
 */
public class MessageCollector implements ClientResponseObserver<Message> {

    public final List<Message> values = Collections.synchronizedList(new ArrayList<>());
    public final CompletableFuture<Throwable> done = new CompletableFuture<>();

    @Override
    public void beforeStart(ClientCallHandle call) {
    }

    @Override
    public void onNext(Message value) {
        values.add(value);
    }

    @Override
    public void onError(Throwable error) {
        done.complete(error);
    }

    @Override
    public void onCompleted() {
        done.complete(null);
    }
}
