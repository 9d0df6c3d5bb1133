package io.rpcnet.server;

import io.rpcnet.client.RpcClient;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.TestTls;
import io.rpcnet.transport.TransportSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server with two I/O threads listens on two sockets (epoll, SO_REUSEPORT; one with NIO) and its clients'
 * connections spread over them: a graceful shutdown tells every client, whichever socket it is on, counts and
 * waits for the calls in flight on all of them, and returns once they have ended.
 */
@Timeout(60)
class ShutdownAcrossIoThreadsTest {

    /** Each client dials from a port of its own, hashed by the kernel to one of two sockets: all 16 on the same
     * one has a chance of 2^-15, which the spreading assertion accepts. */
    private static final int CLIENTS = 16;

    public interface Drainable {
        /** Answered on the I/O thread that received the call (an async method is invoked there). */
        CompletableFuture<String> ioThread();

        /** Blocks until the test releases it. */
        String hold();

        String ping();
    }

    private final AtomicInteger held = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<RpcClient> clients = new ArrayList<>();
    private RpcServer server;

    @AfterEach
    void stop() {
        release.countDown();
        clients.forEach(RpcClient::close);
        if (server != null) {
            server.shutdown(Duration.ZERO);
        }
        pool.shutdownNow();
    }

    @Test
    void shutdownDrainsTheCallsOfClientsOnEveryIoThread() throws Exception {
        server = RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(TestTls.server())
                .settings(TransportSettings.builder().eventLoopThreads(2).build())
                .executor(pool)
                .addService(Drainable.class, new Drainable() {
                    @Override
                    public CompletableFuture<String> ioThread() {
                        return CompletableFuture.completedFuture(Thread.currentThread().getName());
                    }

                    @Override
                    public String hold() {
                        held.incrementAndGet();
                        try {
                            return release.await(20, TimeUnit.SECONDS) ? "done" : "not released";
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return "interrupted";
                        }
                    }

                    @Override
                    public String ping() {
                        return "pong";
                    }
                })
                .build().start();
        List<Drainable> proxies = new ArrayList<>();
        Set<String> ioThreads = new HashSet<>();
        for (int i = 0; i < CLIENTS; i++) {
            RpcClient client = RpcClient.builder().target("localhost", server.port()).tls(TestTls.client())
                    .settings(TransportSettings.builder().eventLoopThreads(1).handshakeTimeout(Duration.ofSeconds(2))
                            .build())
                    .defaultTimeout(Duration.ofSeconds(30))
                    .build();
            clients.add(client);
            Drainable proxy = client.proxy(Drainable.class);
            proxies.add(proxy);
            ioThreads.add(proxy.ioThread().get(10, TimeUnit.SECONDS));
        }
        assertThat(ioThreads).as("server I/O threads the clients' calls arrived on")
                .allMatch(name -> name.startsWith("rpcnet-server"))
                .hasSize(epoll() ? 2 : 1);

        List<CompletableFuture<String>> inFlight = new ArrayList<>();
        for (Drainable proxy : proxies) {
            inFlight.add(CompletableFuture.supplyAsync(proxy::hold, pool));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> held.get() == CLIENTS);
        assertThat(server.activeCalls()).isEqualTo(CLIENTS);

        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(20)),
                pool);

        // every client is told: a new call is refused (not processed), and the connection that still carries its
        // call in flight is kept until that call ends
        for (int i = 0; i < CLIENTS; i++) {
            Drainable proxy = proxies.get(i);
            RpcClient client = clients.get(i);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> outcome(proxy) == StatusCode.UNAVAILABLE);
            assertThat(client.retiringConnections()).as("client %d's connection with the call in flight", i)
                    .isEqualTo(1);
        }
        assertThat(shutdown).as("shutdown waits for the calls in flight").isNotDone();
        assertThat(inFlight).noneMatch(CompletableFuture::isDone);

        release.countDown();
        for (CompletableFuture<String> call : inFlight) {
            assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
        }
        shutdown.get(10, TimeUnit.SECONDS);
        assertThat(server.isRunning()).isFalse();
    }

    private static boolean epoll() {
        return io.netty.channel.epoll.Epoll.isAvailable() && !Boolean.getBoolean("rpcnet.transport.nio");
    }

    private static StatusCode outcome(Drainable proxy) {
        try {
            proxy.ping();
            return StatusCode.OK;
        } catch (RpcException e) {
            return e.code();
        }
    }
}
