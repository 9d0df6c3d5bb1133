/** The RPC server: service registry, method dispatch, interceptors, deadlines, graceful shutdown. */
package io.rpcnet.server;
