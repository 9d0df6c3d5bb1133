package io.rpcnet.cluster.client;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.Subscription;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.codec.JacksonCodec;
import io.rpcnet.codec.RpcCodec;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.MethodType;
import io.rpcnet.service.ServiceDescriptor;
import io.rpcnet.transport.ClientTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** Configures a {@link ClusterClient}; TLS (or a client factory) is required. */
public final class ClusterClientBuilder {
    final WorkerRegistry registry;
    String name = "rpcnet-cluster";
    ClientTls tls;
    RpcCodec codec = new JacksonCodec();
    UnaryOperator<RpcClient.Builder> clientCustomizer = UnaryOperator.identity();
    WorkerClientFactory clientFactory;
    TagFilter defaultFilter = TagFilter.ANY;
    CallOptions defaultOptions = CallOptions.DEFAULT;
    CircuitBreakerConfig circuitBreakerConfig = ClusterResilience.defaultCircuitBreakerConfig();
    CircuitBreakerRegistry circuitBreakerRegistry;
    RetryConfig retryConfig = ClusterResilience.defaultRetryConfig();
    BulkheadConfig bulkheadConfig = ClusterResilience.defaultBulkheadConfig();
    Set<StatusCode> idempotentRetryCodes = ClusterResilience.DEFAULT_IDEMPOTENT_RETRY_CODES;
    final List<Class<?>> services = new ArrayList<>();
    Executor executor;

    ClusterClientBuilder(WorkerRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Prefix of thread names and name of the retry and bulkhead instances (default {@code rpcnet-cluster}). */
    public ClusterClientBuilder name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /** Trust (and optional client identity) for the default worker clients. */
    public ClusterClientBuilder tls(ClientTls tls) {
        this.tls = tls;
        return this;
    }

    /** Codec of the default worker clients and of the descriptors made here (default Jackson). */
    public ClusterClientBuilder codec(RpcCodec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
        return this;
    }

    /**
     * Applied to each default worker client's builder after target, TLS and codec: transport settings,
     * interceptors, callback executor.
     */
    public ClusterClientBuilder clientCustomizer(UnaryOperator<RpcClient.Builder> customizer) {
        this.clientCustomizer = Objects.requireNonNull(customizer, "customizer");
        return this;
    }

    /** Replaces the default worker client factory ({@link #tls} and {@link #clientCustomizer} are then unused). */
    public ClusterClientBuilder clientFactory(WorkerClientFactory factory) {
        this.clientFactory = factory;
        return this;
    }

    /** Filter of {@link #call(String, Object)} and of proxies made without one (default: any worker). */
    public ClusterClientBuilder defaultFilter(TagFilter filter) {
        this.defaultFilter = Objects.requireNonNull(filter, "filter");
        return this;
    }

    /** {@link #defaultFilter(TagFilter)} from its text, e.g. {@code "role=worker,zone=eu"}. */
    public ClusterClientBuilder defaultFilter(String filter) {
        return defaultFilter(TagFilter.parse(filter));
    }

    /** Options (deadline, metadata) of calls made without their own. */
    public ClusterClientBuilder defaultOptions(CallOptions options) {
        this.defaultOptions = Objects.requireNonNull(options, "options");
        return this;
    }

    /** Deadline of each call made with the default options, retries included. */
    public ClusterClientBuilder defaultTimeout(Duration timeout) {
        this.defaultOptions = defaultOptions.withTimeout(timeout);
        return this;
    }

    /**
     * Settings of each worker's circuit breaker (default {@link ClusterResilience#defaultCircuitBreakerConfig()};
     * start from it to keep its record/ignore predicates).
     */
    public ClusterClientBuilder circuitBreakerConfig(CircuitBreakerConfig config) {
        this.circuitBreakerConfig = Objects.requireNonNull(config, "config");
        return this;
    }

    /** Where the per-worker breakers are created (default: a private registry). */
    public ClusterClientBuilder circuitBreakerRegistry(CircuitBreakerRegistry registry) {
        this.circuitBreakerRegistry = registry;
        return this;
    }

    /**
     * Attempts and backoff (default {@link ClusterResilience#defaultRetryConfig()}). Which failures are retried
     * is not configurable here: the rule of {@link ClusterResilience#isRetryable} always applies.
     */
    public ClusterClientBuilder retryConfig(RetryConfig config) {
        this.retryConfig = Objects.requireNonNull(config, "config");
        return this;
    }

    /** No retries: every call makes one attempt. */
    public ClusterClientBuilder noRetry() {
        return retryConfig(RetryConfig.from(retryConfig).maxAttempts(1).build());
    }

    /** The client-wide concurrency limit (default {@link ClusterResilience#defaultBulkheadConfig()}). */
    public ClusterClientBuilder bulkheadConfig(BulkheadConfig config) {
        this.bulkheadConfig = Objects.requireNonNull(config, "config");
        return this;
    }

    /** Codes after which {@code @Idempotent} calls are retried even if they may have run. */
    public ClusterClientBuilder idempotentRetryCodes(Set<StatusCode> codes) {
        this.idempotentRetryCodes = codes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(codes));
        return this;
    }

    /** Interfaces whose methods {@link ClusterClient#call(String, Object)} may name. */
    public ClusterClientBuilder service(Class<?>... serviceInterfaces) {
        services.addAll(List.of(serviceInterfaces));
        return this;
    }

    /**
     * Runs blocking work: async calls of blocking methods, retries of async calls, closing worker clients.
     * Default: a cached pool of daemon threads owned by the client (bounded in practice by the bulkhead).
     */
    public ClusterClientBuilder executor(Executor executor) {
        this.executor = executor;
        return this;
    }

    public ClusterClient build() {
        if (clientFactory == null && tls == null) {
            throw new IllegalStateException("RpcNet requires TLS: set tls(ClientTls.trusting(caPem)) (or "
                    + "ClientTls.systemTrust()) for the worker clients, or provide a clientFactory(...)");
        }
        return new ClusterClient(this);
    }
}
