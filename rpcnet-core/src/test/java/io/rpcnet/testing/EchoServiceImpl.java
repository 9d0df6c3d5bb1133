package io.rpcnet.testing;

import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.server.CallContext;
import io.rpcnet.service.StreamObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/** Test implementation of {@link EchoService}; its public fields let tests observe the server side. */
public final class EchoServiceImpl implements EchoService {

    public final CountDownLatch slowStarted = new CountDownLatch(1);
    public final AtomicReference<Status> slowCancelledWith = new AtomicReference<>();
    public final CountDownLatch slowCancelled = new CountDownLatch(1);
    public final AtomicInteger streamedSent = new AtomicInteger();
    public final AtomicReference<Status> streamCancelledWith = new AtomicReference<>();

    @Override
    public Message echo(Message message) {
        return message;
    }

    @Override
    public CompletableFuture<Message> echoAsync(Message message) {
        return CompletableFuture.supplyAsync(() -> new Message(message.text() + "!", message.number() + 1));
    }

    @Override
    public byte[] echoBytes(byte[] payload) {
        return payload;
    }

    @Override
    public String ping() {
        return "pong";
    }

    @Override
    public Message fail(String kind) {
        switch (kind) {
            case "rpc" -> throw new RpcException(StatusCode.FAILED_PRECONDITION, "precondition not met");
            case "state" -> throw new IllegalStateException("handler broke");
            default -> throw new IllegalArgumentException("bad kind " + kind);
        }
    }

    @Override
    public String slow(long millis) {
        CallContext context = CallContext.current();
        CountDownLatch cancelled = new CountDownLatch(1);
        context.onCancel(() -> {
            slowCancelledWith.set(context.cancelReason());
            slowCancelled.countDown();
            cancelled.countDown();
        });
        slowStarted.countDown();
        try {
            cancelled.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return context.isCancelled() ? "cancelled" : "done";
    }

    @Override
    public void count(Message upTo, StreamObserver<Message> responses) {
        CallContext context = CallContext.current();
        try {
            for (int i = 1; i <= upTo.number(); i++) {
                responses.onNext(new Message(upTo.text(), i));
                streamedSent.incrementAndGet();
            }
            responses.onCompleted();
        } catch (RpcException e) {
            streamCancelledWith.set(context.cancelReason());
        }
    }

    @Override
    public Message sum(Stream<Message> numbers) {
        int[] total = {0};
        int[] count = {0};
        numbers.forEach(m -> {
            total[0] += m.number();
            count[0]++;
        });
        return new Message("sum of " + count[0], total[0]);
    }

    @Override
    public StreamObserver<Message> chat(StreamObserver<Message> responses) {
        return new StreamObserver<>() {
            @Override
            public void onNext(Message value) {
                responses.onNext(new Message("re: " + value.text(), value.number() * 2));
            }

            @Override
            public void onError(Throwable error) {
                streamCancelledWith.set(Status.fromThrowable(error));
            }

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }

    @Override
    public List<String> metadataEcho(String key) {
        CallContext context = CallContext.current();
        return List.of(String.valueOf(context.metadata().get(key)),
                String.valueOf(context.deadline() != null));
    }
}
