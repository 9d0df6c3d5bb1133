package io.rpcnet.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The dev-only TLS files from {@code /tls/} on the class path, extracted to a temporary directory
 * (the servers take file paths). Deleted on {@link #close()}.
 */
final class TlsMaterial implements AutoCloseable {

    private final Path dir;

    private TlsMaterial(Path dir) {
        this.dir = dir;
    }

    static TlsMaterial extract() throws IOException {
        Path dir = Files.createTempDirectory("rpcnet-bench-tls");
        for (String name : new String[] {"ca.pem", "server.pem", "server.key"}) {
            try (InputStream in = TlsMaterial.class.getResourceAsStream("/tls/" + name)) {
                if (in == null) {
                    throw new IOException("missing class path resource /tls/" + name);
                }
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return new TlsMaterial(dir);
    }

    Path caPem() {
        return dir.resolve("ca.pem");
    }

    Path serverCertPem() {
        return dir.resolve("server.pem");
    }

    Path serverKeyPem() {
        return dir.resolve("server.key");
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
