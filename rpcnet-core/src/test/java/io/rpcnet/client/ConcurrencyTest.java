package io.rpcnet.client;

import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.MessageCollector;
import io.rpcnet.testing.RpcFixture;
import io.rpcnet.transport.TransportSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many calls at once and many calls in a row over one connection. Stream accounting: the client keeps one
 * control stream open for the whole life of the connection, so while connected the least either side can
 * count is 1 (control). Unary calls share at most {@code lanes} lanes, which are retired when idle; streaming
 * calls each own a stream that ends with the call. After the client closes, the server counts 0.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the long sequential run last, once the JIT is warm
class ConcurrencyTest {

    private static final int LANES = 4;
    /** Control stream + lanes: the most streams unary traffic may ever hold open. */
    private static final int UNARY_STREAM_BOUND = LANES + 1;

    private RpcFixture rpc;
    private EchoService echo;

    @BeforeEach
    void start() {
        rpc = new RpcFixture(b -> b, b -> b.settings(TransportSettings.builder()
                .lanes(LANES)
                .laneIdleTimeout(Duration.ofMillis(200))
                .build()));
        echo = rpc.echo();
    }

    @AfterEach
    void stop() {
        rpc.close();
    }

    @Test
    void thousandConcurrentAsyncCallsAllCompleteWithTheirOwnResult() {
        int n = 1_000;
        List<CompletableFuture<Message>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(echo.echoAsync(new Message("m" + i, i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(15, TimeUnit.SECONDS).join();
        for (int i = 0; i < n; i++) {
            assertThat(futures.get(i).join()).isEqualTo(new Message("m" + i + "!", i + 1));
        }
        assertThat(rpc.client.openStreams()).isLessThanOrEqualTo(UNARY_STREAM_BOUND);
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.activeCalls() == 0);
    }

    @Test
    void thousandBlockingCallsFromManyThreadsAllCompleteWithTheirOwnResult() throws Exception {
        int threads = 50;
        int perThread = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Message>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    List<Message> got = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        got.add(echo.echo(new Message("t" + thread, i)));
                    }
                    return got;
                }));
            }
            go.countDown();
            for (int t = 0; t < threads; t++) {
                String text = "t" + t;
                assertThat(results.get(t).get(15, TimeUnit.SECONDS))
                        .isEqualTo(IntStream.range(0, perThread).mapToObj(i -> new Message(text, i)).toList());
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.activeCalls() == 0);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void tenThousandSequentialCallsKeepStreamsBoundedAndReleaseThemAfterwards() {
        int maxClient = 0;
        int maxServer = 0;
        for (int i = 0; i < 10_000; i++) {
            assertThat(echo.echo(new Message("s", i)).number()).isEqualTo(i);
            if (i % 250 == 0) {
                maxClient = Math.max(maxClient, rpc.client.openStreams());
                maxServer = Math.max(maxServer, rpc.server.openStreams());
            }
        }
        // bounded by control + lanes during the run: streams are reused, never one per call
        assertThat(maxClient).isBetween(2, UNARY_STREAM_BOUND);
        assertThat(maxServer).isBetween(2, UNARY_STREAM_BOUND);
        assertThat(rpc.server.activeCalls()).isZero();

        // idle lanes are retired on both sides; only the control stream stays while connected
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.client.openStreams() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.openStreams() == 1);
        assertThat(rpc.client.isConnected()).isTrue();

        // a retired lane is re-opened on demand
        assertThat(echo.ping()).isEqualTo("pong");
        assertThat(rpc.client.openStreams()).isBetween(1, 2);

        rpc.client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.openStreams() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.activeConnections() == 0);
        assertThat(rpc.client.openStreams()).isZero();
    }

    @Test
    void twoHundredConcurrentServerStreamsAllCompleteAndReleaseTheirStreams() {
        assertThat(echo.ping()).isEqualTo("pong");
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.openStreams() == 1 && rpc.client.openStreams() == 1);

        int calls = 200;
        int count = 50;
        List<MessageCollector> collectors = new ArrayList<>(calls);
        for (int c = 0; c < calls; c++) {
            MessageCollector collector = new MessageCollector();
            collectors.add(collector);
            echo.count(new Message("c" + c, count), collector);
        }
        CompletableFuture.allOf(collectors.stream().map(col -> col.done).toArray(CompletableFuture[]::new))
                .orTimeout(15, TimeUnit.SECONDS).join();
        List<Integer> expected = IntStream.rangeClosed(1, count).boxed().toList();
        for (int c = 0; c < calls; c++) {
            MessageCollector collector = collectors.get(c);
            assertThat(collector.done.join()).as("call %d ended with", c).isNull();
            assertThat(collector.values).extracting(Message::number).isEqualTo(expected);
            String text = "c" + c;
            assertThat(collector.values).allSatisfy(m -> assertThat(m.text()).isEqualTo(text));
        }
        assertThat(rpc.service.streamedSent).hasValue(calls * count);

        // every dedicated stream ends with its call: back to the control stream alone
        await().atMost(Duration.ofSeconds(10)).until(() -> rpc.server.openStreams() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.client.openStreams() == 1);
        assertThat(rpc.server.activeCalls()).isZero();
    }

    @Test
    void unaryAndStreamingCallsInterleaveWithoutLosingAny() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            ConcurrentHashMap<Integer, Message> unary = new ConcurrentHashMap<>();
            List<MessageCollector> streams = new CopyOnWriteArrayList<>();
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int n = i;
                tasks.add(pool.submit(() -> {
                    if (n % 4 == 0) {
                        MessageCollector collector = new MessageCollector();
                        streams.add(collector);
                        echo.count(new Message("x" + n, 20), collector);
                    } else {
                        unary.put(n, echo.echo(new Message("u", n)));
                    }
                }));
            }
            for (Future<?> task : tasks) {
                task.get(15, TimeUnit.SECONDS);
            }
            assertThat(unary).hasSize(300);
            unary.forEach((n, m) -> assertThat(m).isEqualTo(new Message("u", n)));
            assertThat(streams).hasSize(100);
            for (MessageCollector collector : streams) {
                assertThat(collector.done).succeedsWithin(Duration.ofSeconds(10)).isNull();
                assertThat(collector.values).hasSize(20);
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.activeCalls() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> rpc.server.openStreams() == 1);
    }

}
