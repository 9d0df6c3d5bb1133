package io.rpcnet.cluster.client;

import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.Member;
import io.rpcnet.codec.RpcCodec;
import io.rpcnet.transport.ClientTls;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Makes the {@link RpcClient} a {@link ClusterClient} uses for one worker. Called lazily, the first time a call
 * is routed to the worker (and again after the worker's client was closed because it failed, left or moved);
 * the client is reused for every call to that worker (its QUIC connection is pooled) and closed by the
 * cluster client.
 */
@FunctionalInterface
public interface WorkerClientFactory {

    /** A new client for {@code member}, reaching it at {@link Member#address()}. */
    RpcClient create(Member member);

    /**
     * The default: {@code RpcClient.builder().target(host, port).tls(tls).codec(codec)}, then {@code customizer}
     * (transport settings, interceptors, callback executor, ...). The worker's certificate must be valid for the
     * host of its address (or use {@link ClientTls#withServerName}).
     */
    static WorkerClientFactory defaults(ClientTls tls, RpcCodec codec, UnaryOperator<RpcClient.Builder> customizer) {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(customizer, "customizer");
        return member -> customizer.apply(RpcClient.builder().target(member.host(), member.port()).tls(tls)
                .codec(codec)).build();
    }
}
