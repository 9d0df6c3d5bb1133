package io.rpcnet.samples.client;

import io.rpcnet.boot.annotation.RpcClient;
import io.rpcnet.service.StreamObserver;

/**
 * The worker's cart service as this client sees it: same interface name and method shapes as the worker's
 * {@code io.rpcnet.samples.worker.Cart} ({@code Cart/<method>} on the wire). Calls go to the director's gateway
 * ({@code rpcnet.client.targets.cart.address}), which routes each session's calls to the worker holding it.
 */
@RpcClient(target = "cart")
public interface Cart {

    /** Opens a session holding an empty cart. */
    CartView open();

    /** Adds {@code item} to the session's cart. */
    CartView add(String item);

    /** The session's cart. */
    CartView view();

    /** Streams the last {@code limit} items of the session's cart (server streaming). */
    void items(Integer limit, StreamObserver<String> out);
}
