package io.rpcnet.samples.worker;

import io.rpcnet.service.StreamObserver;

/**
 * A shopping cart per session. On the wire the service is {@code Cart/<method>}; the sample client declares
 * the same interface (by name and shape) in its own module, as a separate application would.
 */
public interface Cart {

    /** Opens a session holding an empty cart; later calls carry the session's id. */
    CartView open();

    /** Adds {@code item} to the calling session's cart. */
    CartView add(String item);

    /** The calling session's cart, unchanged. */
    CartView view();

    /** Streams the last {@code limit} items of the calling session's cart, oldest first (server streaming). */
    void items(Integer limit, StreamObserver<String> out);
}
