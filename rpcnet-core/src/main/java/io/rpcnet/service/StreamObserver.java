package io.rpcnet.service;

/**
 * Receives a stream of messages, used on both sides of streaming calls (the same interface serves as the
 * server's contract and the client's proxy). Calls to one observer never overlap. {@code onNext} on a
 * sending observer blocks while the peer is not keeping up (QUIC flow control), except on I/O threads.
 */
public interface StreamObserver<T> {

    void onNext(T value);

    /** Ends the stream with an error; an {@link io.rpcnet.protocol.RpcException} keeps its status. */
    void onError(Throwable error);

    void onCompleted();
}
