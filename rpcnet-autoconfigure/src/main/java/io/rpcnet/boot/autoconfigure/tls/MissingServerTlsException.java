package io.rpcnet.boot.autoconfigure.tls;

/** The server would start without TLS, which RpcNet never does; explained by a failure analyzer. */
public final class MissingServerTlsException extends IllegalStateException {

    public MissingServerTlsException() {
        super("RpcNet server has no TLS configuration: set rpcnet.server.ssl.bundle to an SSL bundle "
                + "(spring.ssl.bundle.pem.<name>.keystore.certificate / .private-key), or "
                + "rpcnet.server.ssl.self-signed=true for local development");
    }
}
