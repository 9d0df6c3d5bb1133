/**
 * Spring Boot auto-configuration for RpcNet: small, conditional configuration classes, one concern each
 * (codec, TLS, server, clients, metrics, health, info).
 */
package io.rpcnet.boot.autoconfigure;
