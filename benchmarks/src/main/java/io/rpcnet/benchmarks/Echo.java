package io.rpcnet.benchmarks;

import java.util.concurrent.CompletableFuture;

/** The RpcNet echo service used by the benchmarks; {@code byte[]} travels raw (no JSON). */
public interface Echo {

    /** Returns {@code payload} unchanged. */
    CompletableFuture<byte[]> echo(byte[] payload);
}
