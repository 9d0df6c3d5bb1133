/**
 * Netty QUIC endpoints: TLS, connections, lanes and dedicated streams, flow control and limits. Nothing
 * above this package sees a Netty type.
 */
package io.rpcnet.transport;
