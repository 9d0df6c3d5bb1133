/** Actuator health and info for the RpcNet server. */
package io.rpcnet.boot.autoconfigure.actuate;
