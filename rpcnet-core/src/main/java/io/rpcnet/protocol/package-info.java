/** Frame types, their binary encoding and the status codes of the RpcNet wire protocol. */
package io.rpcnet.protocol;
