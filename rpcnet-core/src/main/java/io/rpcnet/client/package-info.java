/** The RPC client: connections, typed proxies, deadlines, cancellation and streaming. */
package io.rpcnet.client;
