package io.rpcnet.benchmarks;

/**
 * One RPC stack under test, already connected: server and client live in this JVM on loopback.
 * {@link #call} must be asynchronous; the callback may run on any thread.
 */
interface UnarySystem extends AutoCloseable {

    /** Completion callback of one call: exactly one of {@code response} and {@code error} is non-null. */
    @FunctionalInterface
    interface Callback {
        void done(byte[] response, Throwable error);
    }

    /** Short name used in result keys, e.g. {@code grpc-direct}. */
    String name();

    /** Starts one echo call with {@code payload}; {@code callback} runs when it completes. */
    void call(byte[] payload, Callback callback);

    @Override
    void close() throws Exception;
}
