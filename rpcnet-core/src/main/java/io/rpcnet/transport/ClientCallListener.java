package io.rpcnet.transport;

import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;

/** Receives the server's side of one call, on the connection's event loop (never block here). */
public interface ClientCallListener {

    /** One response message; the listener releases it. */
    void onMessage(InboundMessage message);

    /** The call ended; exactly once per call. */
    void onClose(Status status, Metadata trailers);
}
