package io.rpcnet.benchmarks;

import io.rpcnet.client.RpcClient;
import io.rpcnet.server.RpcServer;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.ServerTls;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * RpcNet in its default configuration: one {@link RpcServer} on 127.0.0.1 and one {@link RpcClient}
 * targeting {@code localhost} (the certificate's name), calling {@link Echo} through its proxy.
 */
final class RpcNetEchoSystem implements UnarySystem {

    private final RpcServer server;
    private final RpcClient client;
    private final Echo echo;

    RpcNetEchoSystem(TlsMaterial tls) {
        Echo impl = CompletableFuture::completedFuture;
        this.server = RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(ServerTls.fromPem(tls.serverCertPem(), tls.serverKeyPem()))
                .addService(Echo.class, impl)
                .build()
                .start();
        RpcClient c = null;
        try {
            c = RpcClient.builder()
                    .target("localhost", server.port())
                    .tls(ClientTls.trusting(tls.caPem()))
                    .build();
            this.echo = c.proxy(Echo.class);
        } catch (RuntimeException e) {
            if (c != null) {
                c.close();
            }
            server.close();
            throw e;
        }
        this.client = c;
    }

    @Override
    public String name() {
        return "rpcnet";
    }

    @Override
    public void call(byte[] payload, Callback callback) {
        echo.echo(payload).whenComplete(callback::done);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.close();
        }
    }
}
