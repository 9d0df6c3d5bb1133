package io.rpcnet.transport;

import io.rpcnet.protocol.CallHeader;

/**
 * The server's entry point into the layer above: the transport hands it each new call. Runs on the event
 * loop, so it must not block; throwing {@link io.rpcnet.protocol.RpcException} refuses the call with
 * that status.
 */
@FunctionalInterface
public interface ServerCallAcceptor {

    ServerCallListener accept(ServerTransportCall call, CallHeader header);
}
