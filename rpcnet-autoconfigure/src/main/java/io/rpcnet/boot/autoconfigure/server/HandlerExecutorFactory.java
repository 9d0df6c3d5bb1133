package io.rpcnet.boot.autoconfigure.server;

import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.server.HandlerExecutors;

import java.util.concurrent.ExecutorService;

/** Builds the handler executor described by {@code rpcnet.server.executor.*}. */
final class HandlerExecutorFactory {

    private HandlerExecutorFactory() {
    }

    static ExecutorService create(RpcServerProperties.Executor config) {
        if (config.getThreads() < 0) {
            throw new InvalidRpcPropertyException("rpcnet.server.executor.threads", config.getThreads(),
                    "must be 0 (automatic) or a positive number of threads");
        }
        if (config.getQueueCapacity() < 1) {
            throw new InvalidRpcPropertyException("rpcnet.server.executor.queue-capacity", config.getQueueCapacity(),
                    "must be at least 1");
        }
        int threads = config.getThreads() > 0 ? config.getThreads()
                : Math.max(16, Runtime.getRuntime().availableProcessors() * 8);
        return switch (config.getType()) {
            case AUTO -> config.getThreads() > 0 ? HandlerExecutors.bounded("rpcnet-handler", threads,
                    config.getQueueCapacity()) : HandlerExecutors.createDefault("rpcnet-handler");
            case BOUNDED -> HandlerExecutors.bounded("rpcnet-handler", threads, config.getQueueCapacity());
            case VIRTUAL -> {
                ExecutorService virtual = HandlerExecutors.virtualThreads("rpcnet-handler");
                if (virtual == null) {
                    throw new InvalidRpcPropertyException("rpcnet.server.executor.type", "virtual",
                            "virtual threads need Java 21 or newer (running " + Runtime.version().feature()
                                    + "); use auto or bounded");
                }
                yield virtual;
            }
        };
    }
}
