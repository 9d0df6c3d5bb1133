package io.rpcnet.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.rpcnet.client.RpcClient;
import io.rpcnet.protocol.Status;
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A server listens on one UDP socket per I/O thread (epoll, {@code SO_REUSEPORT}), all on one port, and every
 * connection stays on the socket the kernel hashed its client to; counters, GOAWAY and close cover all sockets.
 * The server here answers every call with the name of the I/O thread that accepted it.
 */
@Timeout(60)
class ServerSocketsTest {

    /** Separate clients, so separate source ports. The kernel hashes each to one of two sockets: the chance that
     * all 16 land on the same one is 2 * 2^-16 = 2^-15, which the spreading assertions accept. */
    private static final int CLIENTS = 16;

    /** A client's view of the server: any call is answered with the server I/O thread's name. */
    public interface Where {
        String ioThread();
    }

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void twoThreadsListenOnTwoSocketsOfOnePortAndConnectionsSpreadOverBoth() {
        assumeThat(DatagramIo.reusePort()).as("epoll (SO_REUSEPORT) available").isTrue();
        QuicServerEndpoint server = server(settings(2), null);

        List<Channel> sockets = server.sockets().channels();
        assertThat(sockets).hasSize(2);
        assertThat(sockets).allSatisfy(s -> assertThat(((InetSocketAddress) s.localAddress()).getPort())
                .isEqualTo(server.localAddress().getPort()));
        assertThat(sockets.stream().map(Channel::eventLoop).distinct()).as("one socket per I/O thread").hasSize(2);

        Set<String> threads = new HashSet<>();
        for (int i = 0; i < CLIENTS; i++) {
            threads.add(client(server).ioThread());
        }
        assertThat(server.activeConnections()).isEqualTo(CLIENTS);
        int[] perSocket = server.connectionsPerSocket();
        assertThat(Arrays.stream(perSocket).sum()).isEqualTo(CLIENTS);
        assertThat(perSocket).as("connections per socket").doesNotContain(0);
        assertThat(threads).as("server I/O threads that accepted calls").hasSize(2)
                .allMatch(name -> name.startsWith("rpcnet-server"));
        assertThat(server.openStreams()).isPositive();
        assertThat(server.activeCalls()).isZero();
    }

    @Test
    void oneThreadListensOnOneSocket() {
        QuicServerEndpoint server = server(settings(1), null);

        assertThat(server.sockets().channels()).hasSize(1);
        assertThat(client(server).ioThread()).startsWith("rpcnet-server");
        assertThat(server.connectionsPerSocket()).containsExactly(1);
    }

    @Test
    void sharedThreadsGetOneSocketEachAndOutliveTheServer() {
        IoThreads threads = IoThreads.create(2, "shared-io");
        toClose.add(threads);
        QuicServerEndpoint server = server(settings(0), threads);

        assertThat(server.sockets().channels()).hasSize(DatagramIo.reusePort() ? 2 : 1);
        assertThat(client(server).ioThread()).startsWith("shared-io");
        server.close();
        assertThat(server.sockets().allClosed()).isTrue();
        assertThat(threads.group().isShuttingDown()).as("shared threads are not stopped by the server").isFalse();
    }

    @Test
    void closingClosesEverySocketAndFreesThePort() {
        QuicServerEndpoint server = server(settings(2), null);
        int port = server.localAddress().getPort();
        client(server).ioThread();

        server.close();

        assertThat(server.sockets().allClosed()).isTrue();
        assertThat(server.activeConnections()).isZero();
        // the port was picked at random among ~28,000 a moment ago: another process taking it in between is
        // unlikely enough to rebind it here
        QuicServerEndpoint again = server(settings(2), null, port);
        assertThat(again.localAddress().getPort()).isEqualTo(port);
        assertThat(client(again).ioThread()).startsWith("rpcnet-server");
    }

    @Test
    void aPortInUseFailsTheBindInsteadOfJoiningTheSocketsThere() {
        QuicServerEndpoint first = server(settings(2), null);
        int port = first.localAddress().getPort();

        // SO_REUSEPORT would let the second server's sockets share the port with the first one's silently
        assertThatThrownBy(() -> server(settings(2), null, port)).hasMessageContaining("Address already in use");

        assertThat(first.sockets().channels()).allMatch(Channel::isActive);
        assertThat(client(first).ioThread()).startsWith("rpcnet-server");
        assertThat(Arrays.stream(first.connectionsPerSocket()).sum()).isEqualTo(1);
    }

    @Test
    void aFailedBindClosesTheSocketsAlreadyBound() throws Exception {
        assumeThat(DatagramIo.reusePort()).as("epoll (SO_REUSEPORT) available").isTrue();
        EventLoopGroup group = DatagramIo.newGroup(2, "bind-failure");
        toClose.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS));
        AtomicReference<Channel> firstSocket = new AtomicReference<>();
        AtomicInteger built = new AtomicInteger();
        Supplier<ChannelHandler> handlers = () -> {
            if (built.incrementAndGet() > 1) {
                throw new IllegalStateException("no handler for the second socket");
            }
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void handlerAdded(ChannelHandlerContext ctx) {
                    firstSocket.set(ctx.channel());
                }
            };
        };

        assertThatThrownBy(() -> ServerSockets.bind(new InetSocketAddress("127.0.0.1", 0), group, handlers,
                64 * 1024, 1)).hasMessage("no handler for the second socket");

        assertThat(firstSocket.get()).isNotNull();
        assertThat(firstSocket.get().isOpen()).as("the socket bound before the failure").isFalse();
    }

    @Test
    void goAwayReachesTheConnectionsOfEverySocket() {
        assumeThat(DatagramIo.reusePort()).as("epoll (SO_REUSEPORT) available").isTrue();
        QuicServerEndpoint server = server(settings(2), null);
        QuicClientEndpoint dialer = new QuicClientEndpoint(TestTls.client(), settings(1));
        toClose.add(dialer);
        List<ClientConnection> connections = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) { // each connection dials from a socket (and port) of its own
            ClientConnection c = dialer.connect("localhost", server.localAddress().getPort(), List.of());
            toClose.add(c);
            connections.add(c);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.activeConnections() == CLIENTS);
        assertThat(server.connectionsPerSocket()).as("connections per socket").doesNotContain(0);

        server.goAway(Duration.ofSeconds(5), "draining for the test");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(connections).allMatch(ClientConnection::isDraining));
        // a connection accepted while draining is told at once, whichever socket it lands on
        ClientConnection late = dialer.connect("localhost", server.localAddress().getPort(), List.of());
        toClose.add(late);
        await().atMost(Duration.ofSeconds(10)).until(late::isDraining);
    }

    // ---- helpers ----

    private static TransportSettings settings(int eventLoopThreads) {
        return TransportSettings.builder().eventLoopThreads(eventLoopThreads).handshakeTimeout(Duration.ofSeconds(5))
                .build();
    }

    private QuicServerEndpoint server(TransportSettings settings, IoThreads threads) {
        return server(settings, threads, 0);
    }

    private QuicServerEndpoint server(TransportSettings settings, IoThreads threads, int port) {
        QuicServerEndpoint server = QuicServerEndpoint.start(new InetSocketAddress("127.0.0.1", port),
                TestTls.server(), settings, ServerSocketsTest::answerWithThreadName, List.of(), threads);
        toClose.add(server);
        return server;
    }

    private Where client(QuicServerEndpoint server) {
        RpcClient client = RpcClient.builder().target("localhost", server.localAddress().getPort())
                .tls(TestTls.client()).settings(settings(1)).defaultTimeout(Duration.ofSeconds(10)).build();
        toClose.add(client);
        return client.proxy(Where.class);
    }

    /** Runs on the I/O thread that accepted the call (acceptors do): answers with that thread's name, as JSON. */
    private static ServerCallListener answerWithThreadName(ServerTransportCall call, io.rpcnet.protocol.CallHeader h) {
        byte[] json = ('"' + Thread.currentThread().getName() + '"').getBytes(StandardCharsets.UTF_8);
        return new ServerCallListener() {
            @Override
            public void onMessage(InboundMessage message) {
                message.release();
            }

            @Override
            public void onHalfClose() {
                call.sendMessageAndStatus(PayloadWriter.ofBytes(json), Status.OK);
            }

            @Override
            public void onCancel(Status reason) {
            }
        };
    }
}
