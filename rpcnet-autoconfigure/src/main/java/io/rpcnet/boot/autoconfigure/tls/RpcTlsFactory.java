package io.rpcnet.boot.autoconfigure.tls;

import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Turns Spring Boot SSL bundles into RpcNet TLS settings. Servers need a bundle (or the explicit
 * development switch for a self-signed certificate); clients use a bundle's trust material or the JDK's
 * trust store. Nothing here ever trusts all certificates.
 */
public final class RpcTlsFactory {

    private static final Logger log = LoggerFactory.getLogger(RpcTlsFactory.class);

    private final SslBundles bundles;

    public RpcTlsFactory(SslBundles bundles) {
        this.bundles = bundles;
    }

    /**
     * The server's TLS from {@code rpcnet.server.ssl.bundle}, or a generated certificate when
     * {@code selfSigned}; otherwise {@link MissingServerTlsException}.
     */
    public ServerTls server(String bundleName, boolean selfSigned, boolean clientAuth) {
        if (bundleName != null && !bundleName.isBlank()) {
            SslBundle bundle = bundle(bundleName, "rpcnet.server.ssl.bundle");
            if (bundle.getStores().getKeyStore() == null) {
                throw new InvalidTlsConfigurationException("rpcnet.server.ssl.bundle",
                        "SSL bundle '" + bundleName + "' has no key store: a server needs a certificate and its private key");
            }
            ServerTls tls = ServerTls.fromKeyManagerFactory(bundle.getManagers().getKeyManagerFactory());
            return clientAuth ? tls.requireClientCertificates(
                    ClientTls.Trust.factory(bundle.getManagers().getTrustManagerFactory())) : tls;
        }
        if (selfSigned) {
            log.warn("RpcNet server uses a generated self-signed certificate (rpcnet.server.ssl.self-signed=true): "
                    + "for local development only; clients must be told to trust it");
            return ServerTls.fromKeyManagerFactory(SelfSignedCertificate.generate().keyManagers());
        }
        throw new MissingServerTlsException();
    }

    /** Client TLS from a bundle's trust (and key, for mutual TLS), or the JDK's default trust. */
    public ClientTls client(String bundleName, String property, String serverName) {
        ClientTls tls;
        if (bundleName != null && !bundleName.isBlank()) {
            SslBundle bundle = bundle(bundleName, property);
            tls = ClientTls.trusting(ClientTls.Trust.factory(bundle.getManagers().getTrustManagerFactory()));
            if (bundle.getStores().getKeyStore() != null) {
                tls = tls.withIdentity(bundle.getManagers().getKeyManagerFactory());
            }
        } else {
            tls = ClientTls.systemTrust();
        }
        return serverName == null || serverName.isBlank() ? tls : tls.withServerName(serverName);
    }

    private SslBundle bundle(String name, String property) {
        try {
            return bundles.getBundle(name);
        } catch (NoSuchSslBundleException e) {
            throw new InvalidTlsConfigurationException(property, "no SSL bundle named '" + name
                    + "' is configured under spring.ssl.bundle.pem or spring.ssl.bundle.jks");
        } catch (RuntimeException e) {
            throw new InvalidTlsConfigurationException(property, "SSL bundle '" + name + "' cannot be loaded: "
                    + e.getMessage());
        }
    }
}
