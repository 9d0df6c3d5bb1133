package io.rpcnet.cluster.client;

import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.StreamObserver;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One worker's {@link WorkerProbe}: reports its id and counts what reached its handlers, per method. */
final class ProbeService implements WorkerProbe {

    /** Latches the tests open; shared by all workers of a test. */
    static final class Gates {
        private final Map<String, CountDownLatch> latches = new ConcurrentHashMap<>();

        CountDownLatch latch(String name) {
            return latches.computeIfAbsent(name, n -> new CountDownLatch(1));
        }

        void open(String name) {
            latch(name).countDown();
        }

        void openAll() {
            latches.values().forEach(CountDownLatch::countDown);
        }
    }

    final String id;
    private final Gates gates;
    private final Map<String, AtomicInteger> entered = new ConcurrentHashMap<>();

    ProbeService(String id, Gates gates) {
        this.id = id;
        this.gates = gates;
    }

    /** How many calls of {@code method} reached this worker's handler. */
    int entered(String method) {
        AtomicInteger n = entered.get(method);
        return n == null ? 0 : n.get();
    }

    private void enter(String method) {
        entered.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public String whoAmI() {
        enter("whoAmI");
        return id;
    }

    @Override
    public CompletableFuture<String> whoAmIAsync(String note) {
        enter("whoAmIAsync");
        return CompletableFuture.completedFuture(id);
    }

    @Override
    public String holdIdempotent(String gate) {
        enter("holdIdempotent");
        return await(gate);
    }

    @Override
    public String hold(String gate) {
        enter("hold");
        return await(gate);
    }

    @Override
    public String record(String token) {
        enter("record");
        return id;
    }

    @Override
    public void countdown(Integer from, StreamObserver<String> out) {
        enter("countdown");
        for (int i = from; i > 0; i--) {
            out.onNext(id + ":" + i);
        }
        out.onCompleted();
    }

    @Override
    public String concat(Stream<String> parts) {
        enter("concat");
        return id + ":" + parts.collect(Collectors.joining("+"));
    }

    @Override
    public StreamObserver<String> echo(StreamObserver<String> out) {
        enter("echo");
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                out.onNext(id + ":" + value);
            }

            @Override
            public void onError(Throwable error) {
            }

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    private String await(String gate) {
        try {
            if (!gates.latch(gate).await(20, TimeUnit.SECONDS)) {
                throw new RpcException(StatusCode.DEADLINE_EXCEEDED, "gate " + gate + " never opened");
            }
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(StatusCode.CANCELLED, "worker " + id + " stopped");
        }
    }
}
