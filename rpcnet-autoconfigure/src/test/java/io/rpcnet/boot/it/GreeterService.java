package io.rpcnet.boot.it;

import io.rpcnet.boot.annotation.RpcService;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Served through {@code @RpcService}; counts calls so tests see state on the server. */
@RpcService
public class GreeterService implements Greeter {

    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public Greeting greet(String name) {
        return new Greeting("hello " + name, calls.incrementAndGet());
    }

    @Override
    public CompletableFuture<Greeting> greetAsync(String name) {
        return CompletableFuture.completedFuture(greet(name));
    }

    @Override
    public Greeting fail(String reason) {
        throw new RpcException(StatusCode.FAILED_PRECONDITION, reason);
    }
}
