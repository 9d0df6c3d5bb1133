package io.rpcnet.client;

import io.rpcnet.service.StreamObserver;

/**
 * A response observer that also wants the call's handle, to cancel a server-streaming or bidi call
 * from the client side. Pass it where the service interface takes a {@code StreamObserver<R>}.
 */
public interface ClientResponseObserver<T> extends StreamObserver<T> {

    /** Called once, before any message, with the handle of the call. */
    void beforeStart(ClientCallHandle call);
}
