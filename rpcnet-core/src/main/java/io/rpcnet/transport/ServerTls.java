package io.rpcnet.transport;

import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;

import javax.net.ssl.KeyManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;

/**
 * The server's TLS identity (certificate chain and private key), from PEM files or a Java key store,
 * and optionally the trust used to require client certificates (mutual TLS). TLS is not optional.
 */
public final class ServerTls {

    private final KeyManagerFactory keyManagers;
    private final Path certChainPem;
    private final Path privateKeyPem;
    private final String keyPassword;
    private final ClientTls.Trust clientTrust;

    private ServerTls(KeyManagerFactory keyManagers, Path certChainPem, Path privateKeyPem, String keyPassword,
                      ClientTls.Trust clientTrust) {
        this.keyManagers = keyManagers;
        this.certChainPem = certChainPem;
        this.privateKeyPem = privateKeyPem;
        this.keyPassword = keyPassword;
        this.clientTrust = clientTrust;
    }

    /** Identity from a PEM certificate chain and a PEM (PKCS#8) private key, optionally encrypted. */
    public static ServerTls fromPem(Path certChain, Path privateKey, String keyPassword) {
        requireReadable(certChain, "certificate chain");
        requireReadable(privateKey, "private key");
        return new ServerTls(null, certChain, privateKey, keyPassword, null);
    }

    public static ServerTls fromPem(Path certChain, Path privateKey) {
        return fromPem(certChain, privateKey, null);
    }

    /** Identity from a key store holding one private key entry. */
    public static ServerTls fromKeyStore(KeyStore keyStore, char[] password) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, password);
            return fromKeyManagerFactory(kmf);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the server key store: " + e.getMessage(), e);
        }
    }

    public static ServerTls fromKeyManagerFactory(KeyManagerFactory keyManagers) {
        return new ServerTls(Objects.requireNonNull(keyManagers, "keyManagers"), null, null, null, null);
    }

    /** Requires every client to present a certificate trusted by {@code trust} (mutual TLS). */
    public ServerTls requireClientCertificates(ClientTls.Trust trust) {
        return new ServerTls(keyManagers, certChainPem, privateKeyPem, keyPassword, Objects.requireNonNull(trust));
    }

    public boolean requiresClientCertificates() {
        return clientTrust != null;
    }

    QuicSslContext build(String alpn) {
        QuicSslContextBuilder builder = keyManagers != null
                ? QuicSslContextBuilder.forServer(keyManagers, keyPassword)
                : QuicSslContextBuilder.forServer(privateKeyPem.toFile(), keyPassword, certChainPem.toFile());
        if (clientTrust != null) {
            clientTrust.applyTo(builder);
            builder.clientAuth(ClientAuth.REQUIRE);
        }
        return builder.applicationProtocols(alpn).earlyData(false).build();
    }

    static void requireReadable(Path file, String what) {
        if (file == null || !Files.isReadable(file)) {
            throw new IllegalArgumentException("TLS " + what + " file is not readable: " + file);
        }
    }
}
