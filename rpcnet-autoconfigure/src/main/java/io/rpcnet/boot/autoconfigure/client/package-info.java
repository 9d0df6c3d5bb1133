/** Auto-configuration of RpcNet clients: targets ({@code rpcnet.client.*}) and {@code @RpcClient} proxies. */
package io.rpcnet.boot.autoconfigure.client;
