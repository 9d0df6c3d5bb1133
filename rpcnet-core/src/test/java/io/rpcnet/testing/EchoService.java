package io.rpcnet.testing;

import io.rpcnet.service.StreamObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** A service with every call shape, used across the core tests. */
public interface EchoService {

    record Message(String text, int number) {
    }

    Message echo(Message message);

    CompletableFuture<Message> echoAsync(Message message);

    byte[] echoBytes(byte[] payload);

    String ping();

    /** Fails with the exception named in {@code kind}. */
    Message fail(String kind);

    /** Sleeps until cancelled or for {@code millis}; records what it saw in the test's probe. */
    String slow(long millis);

    void count(Message upTo, StreamObserver<Message> responses);

    Message sum(Stream<Message> numbers);

    StreamObserver<Message> chat(StreamObserver<Message> responses);

    List<String> metadataEcho(String key);
}
