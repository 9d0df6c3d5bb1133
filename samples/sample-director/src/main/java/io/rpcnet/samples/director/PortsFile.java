package io.rpcnet.samples.director;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the ports the director bound (they may be chosen by the OS with port 0) to the file named by
 * {@code sample.ports-file} once the application is ready, as {@code name=port} lines: {@code server}
 * (RpcNet membership, the workers' seed), {@code gateway} (clients) and {@code http} (Actuator). The file
 * appears atomically, so a script can wait for it and then read it. Nothing is written without the property.
 */
@Component
public class PortsFile {

    private final Environment environment;

    public PortsFile(Environment environment) {
        this.environment = environment;
    }

    /** Writes the file when {@code sample.ports-file} is set. */
    @EventListener(ApplicationReadyEvent.class)
    public void write() {
        String target = environment.getProperty("sample.ports-file", "");
        if (target.isBlank()) {
            return;
        }
        String content = "server=" + environment.getProperty("local.rpcnet.server.port", "")
                + "\ngateway=" + environment.getProperty("local.rpcnet.director.gateway.port", "")
                + "\nhttp=" + environment.getProperty("local.server.port", "") + "\n";
        try {
            Path path = Path.of(target).toAbsolutePath();
            Path tmp = Files.writeString(path.resolveSibling(path.getFileName() + ".tmp"), content);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sample.ports-file " + target, e);
        }
    }
}
