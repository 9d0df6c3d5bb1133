package io.rpcnet.transport;

import io.rpcnet.protocol.Status;

/**
 * Receives the client's side of one call, on the connection's event loop (never block here). Each
 * message must eventually be released by whoever consumes it.
 */
public interface ServerCallListener {

    void onMessage(InboundMessage message);

    /** The client sent its last message. */
    void onHalfClose();

    /**
     * The call is over without the handler finishing it: the client cancelled, the connection went away,
     * or the transport failed the call (an oversized or malformed message). No further sends reach the
     * client.
     */
    void onCancel(Status reason);
}
