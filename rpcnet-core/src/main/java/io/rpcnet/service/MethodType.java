package io.rpcnet.service;

/** The four call shapes, decided by a method's Java signature (see {@link ServiceDescriptor}). */
public enum MethodType {
    /** {@code R m(Q)}, {@code R m()} or {@code CompletableFuture<R> m(Q)}. */
    UNARY,
    /** {@code void m(Q, StreamObserver<R>)}. */
    SERVER_STREAMING,
    /** {@code R m(Stream<Q>)}. */
    CLIENT_STREAMING,
    /** {@code StreamObserver<Q> m(StreamObserver<R>)}. */
    BIDI_STREAMING;

    /** Streaming calls each own a QUIC stream; unary calls share lanes. */
    public boolean isStreaming() {
        return this != UNARY;
    }
}
