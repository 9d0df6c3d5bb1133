/**
 * The director gateway: clients connect to a director, which forwards every call (unary and streaming,
 * bytes untouched) to the owning worker over pooled director→worker QUIC connections. {@link
 * io.rpcnet.director.RoutingTable} maps sessions to their owner and epoch; a {@link
 * io.rpcnet.director.CallHold} pauses a session's new calls while a migration cuts over.
 */
package io.rpcnet.director;
