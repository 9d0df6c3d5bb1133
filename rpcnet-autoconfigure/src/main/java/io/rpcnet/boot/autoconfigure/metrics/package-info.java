/** Micrometer metrics and Observations for RpcNet calls. */
package io.rpcnet.boot.autoconfigure.metrics;
