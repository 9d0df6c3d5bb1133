package io.rpcnet.benchmarks;

import io.rpcnet.client.RpcClient;
import io.rpcnet.server.RpcServer;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.ServerTls;
import io.rpcnet.transport.TransportSettings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link RpcServer} with {@code serverThreads} I/O threads (one UDP socket each with epoll, SO_REUSEPORT)
 * and {@code connections} {@link RpcClient}s, each its own QUIC connection from its own port on one I/O thread
 * of its own; calls go to the clients in turn.
 */
final class ManyConnectionsSystem implements UnarySystem {

    /** Answers on the server I/O thread that received the call (an async method is invoked there). */
    public interface IoThreadProbe {
        CompletableFuture<String> ioThread();
    }

    private final String name;
    private final RpcServer server;
    private final List<RpcClient> clients = new ArrayList<>();
    private final Echo[] echoes;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<String> serverThreadsUsed = new TreeSet<>();

    ManyConnectionsSystem(String name, TlsMaterial tls, int serverThreads, int connections) throws Exception {
        this.name = name;
        Echo impl = CompletableFuture::completedFuture;
        IoThreadProbe probe = () -> CompletableFuture.completedFuture(Thread.currentThread().getName());
        this.server = RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(ServerTls.fromPem(tls.serverCertPem(), tls.serverKeyPem()))
                .settings(TransportSettings.builder().eventLoopThreads(serverThreads).build())
                .addService(Echo.class, impl)
                .addService(IoThreadProbe.class, probe)
                .build()
                .start();
        this.echoes = new Echo[connections];
        try {
            for (int i = 0; i < connections; i++) {
                RpcClient c = RpcClient.builder()
                        .target("localhost", server.port())
                        .tls(ClientTls.trusting(tls.caPem()))
                        .settings(TransportSettings.builder().eventLoopThreads(1).build())
                        .build();
                clients.add(c);
                echoes[i] = c.proxy(Echo.class);
                serverThreadsUsed.add(c.proxy(IoThreadProbe.class).ioThread().get(10, TimeUnit.SECONDS));
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The server I/O threads the clients' connections landed on (the kernel hashes each to a socket). */
    Set<String> serverThreadsUsed() {
        return serverThreadsUsed;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void call(byte[] payload, Callback callback) {
        Echo echo = echoes[Math.floorMod(next.getAndIncrement(), echoes.length)];
        echo.echo(payload).whenComplete(callback::done);
    }

    @Override
    public void close() {
        try {
            clients.forEach(RpcClient::close);
        } finally {
            server.close();
        }
    }
}
