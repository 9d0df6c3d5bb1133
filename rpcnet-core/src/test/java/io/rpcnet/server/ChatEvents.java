package io.rpcnet.server;

import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.EchoService.Message;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.rpcnet.server.BadInputFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The responses of one {@code EchoService/chat} call of the normal client, in arrival order: each
 * {@link Message}, an error as the {@link Throwable}, the end as {@code "completed"}. The tests keep a chat
 * open across bad input and read its events one at a time, each within {@link BadInputFixture#WAIT}.
 */
final class ChatEvents implements StreamObserver<Message> {

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    @Override
    public void onNext(Message value) {
        events.add(value);
    }

    @Override
    public void onError(Throwable error) {
        events.add(error);
    }

    @Override
    public void onCompleted() {
        events.add("completed");
    }

    /** The next event; fails if none arrives within {@link BadInputFixture#WAIT}. */
    Object next() {
        try {
            Object event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("stream event within " + WAIT).isNotNull();
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
