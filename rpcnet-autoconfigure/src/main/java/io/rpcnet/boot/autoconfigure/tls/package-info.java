/** TLS for RpcNet from Spring Boot SSL bundles, and the development-only self-signed certificate. */
package io.rpcnet.boot.autoconfigure.tls;
