package io.rpcnet.client;

import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.MessageCollector;
import io.rpcnet.testing.RpcFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StreamingCallTest {

    private RpcFixture rpc;
    private EchoService echo;

    @BeforeEach
    void start() {
        rpc = new RpcFixture();
        echo = rpc.echo();
    }

    @AfterEach
    void stop() {
        rpc.close();
    }

    @Test
    void serverStreamingDeliversEveryMessageInOrder() throws Exception {
        MessageCollector collector = new MessageCollector();
        echo.count(new Message("n", 500), collector);
        assertThat(collector.done.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(collector.values).hasSize(500);
        assertThat(collector.values.stream().map(Message::number).toList())
                .isEqualTo(IntStream.rangeClosed(1, 500).boxed().toList());
    }

    @Test
    void clientStreamingSumsAllRequests() {
        Message sum = echo.sum(IntStream.rangeClosed(1, 1000).mapToObj(i -> new Message("x", i)));
        assertThat(sum).isEqualTo(new Message("sum of 1000", 500_500));
        assertThat(echo.sum(Stream.empty())).isEqualTo(new Message("sum of 0", 0));
    }

    @Test
    void bidiStreamingAnswersEachRequest() throws Exception {
        MessageCollector collector = new MessageCollector();
        StreamObserver<Message> requests = echo.chat(collector);
        for (int i = 0; i < 100; i++) {
            requests.onNext(new Message("m" + i, i));
        }
        requests.onCompleted();
        assertThat(collector.done.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(collector.values).hasSize(100);
        assertThat(collector.values.get(7)).isEqualTo(new Message("re: m7", 14));
    }

    @Test
    void slowConsumerPushesBackOnTheServerInsteadOfBuffering() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MessageCollector collector = new MessageCollector() {
            @Override
            public void onNext(Message value) {
                super.onNext(value);
                if (values.size() == 1) {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        int total = 20_000; // ~40 MB: far beyond the 8 MiB stream window and every buffer on the way
        echo.count(new Message("x".repeat(2000), total), collector);
        await().atMost(Duration.ofSeconds(10)).until(() -> rpc.service.streamedSent.get() > 0);
        // The consumer is stuck on the first message: the server must stall well before sending everything.
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> rpc.service.streamedSent.get() < total);
        int stalledAt = rpc.service.streamedSent.get();
        assertThat(stalledAt).isLessThan(total);
        release.countDown();
        assertThat(collector.done.get(60, TimeUnit.SECONDS)).isNull();
        assertThat(collector.values).hasSize(total);
    }

    @Test
    void cancellingAServerStreamReachesTheHandler() throws Exception {
        AtomicReference<ClientCallHandle> handle = new AtomicReference<>();
        CountDownLatch gotSome = new CountDownLatch(1);
        MessageCollector collector = new MessageCollector() {
            @Override
            public void beforeStart(ClientCallHandle call) {
                handle.set(call);
            }

            @Override
            public void onNext(Message value) {
                super.onNext(value);
                gotSome.countDown();
            }
        };
        echo.count(new Message("y".repeat(1000), 10_000_000), collector);
        assertThat(gotSome.await(10, TimeUnit.SECONDS)).isTrue();
        handle.get().cancel("enough");
        Throwable error = collector.done.get(10, TimeUnit.SECONDS);
        assertThat(error).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.CANCELLED));
        await().atMost(Duration.ofSeconds(10)).until(() -> rpc.service.streamCancelledWith.get() != null);
        assertThat(rpc.service.streamCancelledWith.get().code()).isEqualTo(StatusCode.CANCELLED);
        assertThat(echo.ping()).isEqualTo("pong");
    }

}
