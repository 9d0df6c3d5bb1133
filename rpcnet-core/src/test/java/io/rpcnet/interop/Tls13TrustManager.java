package io.rpcnet.interop;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * Full PKIX validation against the test CA, for the kwik client. kwik's {@code customTrustStore} calls
 * {@code checkServerTrusted(chain, "RSA")}, which makes the JDK demand the keyEncipherment key usage that
 * an ECDSA (TLS 1.3) certificate rightly lacks; TLS 1.3 has no key-exchange-specific auth type, so this
 * passes {@code "UNKNOWN"} as the JDK's own TLS 1.3 client does. kwik still checks the host name itself.
 */
final class Tls13TrustManager implements X509TrustManager {

    private final X509TrustManager pkix;

    private Tls13TrustManager(X509TrustManager pkix) {
        this.pkix = pkix;
    }

    /** Trusts certificates issued by the CA in {@code caPem}. */
    static X509TrustManager trusting(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            ks.setCertificateEntry("rpcnet-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(ks);
        return new Tls13TrustManager((X509TrustManager) factory.getTrustManagers()[0]);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, "UNKNOWN");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, "UNKNOWN");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
