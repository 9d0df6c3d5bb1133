package io.rpcnet.migration.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rpcnet.migration.TestSnapshots;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerializationConcurrencyTest {

    @Test
    void oneServiceServesConcurrentTransfers() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (SerializationService service = new SerializationService(
                SerializationConfig.builder().compression(Compression.GZIP).chunkSize(8 * 1024).parallelism(3).build())) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                results.add(callers.submit(() -> {
                    SessionSnapshot s = TestSnapshots.ofSize("s-" + n, 50_000 + n * 1000, n);
                    SnapshotReceiver r = service.newReceiver("s-" + n, PayloadTransform.IDENTITY);
                    service.serialize(s, PayloadTransform.IDENTITY, r);
                    return r.result().equals(s);
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void usesAGivenExecutorAndRefusesWorkAfterClose() {
        SessionSnapshot s = TestSnapshots.ofSize("s", 100_000, 1);
        SerializationService service = new SerializationService(
                SerializationConfig.builder().chunkSize(4 * 1024).parallelism(4).build(), ForkJoinPool.commonPool());
        assertThat(service.deserialize(service.serialize(s), "s")).isEqualTo(s);
        service.close();
        service.close();
        assertThatThrownBy(() -> service.serialize(s)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(ForkJoinPool.commonPool().isShutdown()).isFalse();
    }

    @Test
    void anExecutorThatRejectsEverythingOnlyMakesTheCallerDoTheWork() {
        SessionSnapshot s = TestSnapshots.ofSize("s", 100_000, 2);
        java.util.concurrent.Executor rejecting = r -> {
            throw new java.util.concurrent.RejectedExecutionException("saturated");
        };
        try (SerializationService service = new SerializationService(
                SerializationConfig.builder().chunkSize(4 * 1024).parallelism(2).build(), rejecting)) {
            assertThat(service.deserialize(service.serialize(s), "s")).isEqualTo(s);
        }
    }
}
