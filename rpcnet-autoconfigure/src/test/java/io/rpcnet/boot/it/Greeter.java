package io.rpcnet.boot.it;

import io.rpcnet.boot.annotation.RpcClient;

import java.util.concurrent.CompletableFuture;

/** The contract the integration tests serve and call. */
@RpcClient(target = "self")
public interface Greeter {

    record Greeting(String text, int count) {
    }

    Greeting greet(String name);

    CompletableFuture<Greeting> greetAsync(String name);

    Greeting fail(String reason);
}
