/** Auto-configuration of the embedded RpcNet server and its properties ({@code rpcnet.server.*}). */
package io.rpcnet.boot.autoconfigure.server;
