package io.rpcnet.transport;

import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;

/**
 * How a client authenticates servers: which certificate authorities it trusts and, for mutual TLS, its own
 * identity. Certificates and host names are always verified; there is no switch to turn that off.
 */
public final class ClientTls {

    private final Trust trust;
    private final KeyManagerFactory identity;
    private final String serverName;

    private ClientTls(Trust trust, KeyManagerFactory identity, String serverName) {
        this.trust = trust;
        this.identity = identity;
        this.serverName = serverName;
    }

    /** Trusts the CA certificates in a PEM bundle. */
    public static ClientTls trusting(Path caBundlePem) {
        return new ClientTls(Trust.pem(caBundlePem), null, null);
    }

    public static ClientTls trusting(Trust trust) {
        return new ClientTls(Objects.requireNonNull(trust, "trust"), null, null);
    }

    /** Trusts the JDK's default certificate authorities. */
    public static ClientTls systemTrust() {
        return new ClientTls(Trust.system(), null, null);
    }

    /** Presents this identity when the server asks for a client certificate (mutual TLS). */
    public ClientTls withIdentity(KeyManagerFactory keyManagers) {
        return new ClientTls(trust, Objects.requireNonNull(keyManagers), serverName);
    }

    /**
     * The name the server's certificate must match, when it differs from the host dialled (for example
     * when dialling an IP address that the certificate does not list).
     */
    public ClientTls withServerName(String name) {
        return new ClientTls(trust, identity, Objects.requireNonNull(name));
    }

    /** The name to verify for a connection to {@code host}. */
    public String serverNameFor(String host) {
        return serverName != null ? serverName : host;
    }

    QuicSslContext build(String alpn) {
        QuicSslContextBuilder builder = QuicSslContextBuilder.forClient();
        trust.applyTo(builder);
        if (identity != null) {
            builder.keyManager(identity, null);
        }
        return builder.applicationProtocols(alpn).endpointIdentificationAlgorithm("HTTPS").build();
    }

    /** A set of trusted certificate authorities. */
    public static final class Trust {
        private final TrustManagerFactory factory;
        private final Path pem;

        private Trust(TrustManagerFactory factory, Path pem) {
            this.factory = factory;
            this.pem = pem;
        }

        public static Trust pem(Path caBundlePem) {
            ServerTls.requireReadable(caBundlePem, "CA bundle");
            return new Trust(null, caBundlePem);
        }

        public static Trust keyStore(KeyStore trustStore) {
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore);
                return new Trust(tmf, null);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot read the trust store: " + e.getMessage(), e);
            }
        }

        public static Trust factory(TrustManagerFactory factory) {
            return new Trust(Objects.requireNonNull(factory), null);
        }

        public static Trust system() {
            return keyStore(null);
        }

        void applyTo(QuicSslContextBuilder builder) {
            if (factory != null) {
                builder.trustManager(factory);
            } else {
                builder.trustManager(pem.toFile());
            }
        }
    }
}
