package io.rpcnet.samples.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample worker: joins the director named in {@code rpcnet.cluster.seeds} and serves {@link CartService}.
 * Start it several times with different {@code rpcnet.cluster.member-id} / {@code rpcnet.cluster.tags.label}.
 */
@SpringBootApplication
public class SampleWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleWorkerApplication.class, args);
    }
}
