package io.rpcnet.testing;

import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.ServerTls;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The test-only certificates under {@code src/test/resources/tls}. */
public final class TestTls {

    private TestTls() {
    }

    public static Path file(String name) {
        try {
            return Path.of(TestTls.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test TLS file " + name, e);
        }
    }

    /** The server identity for {@code localhost} / {@code 127.0.0.1}, signed by the test CA. */
    public static ServerTls server() {
        return ServerTls.fromPem(file("server.pem"), file("server.key"));
    }

    public static ClientTls client() {
        return ClientTls.trusting(file("ca.pem"));
    }
}
