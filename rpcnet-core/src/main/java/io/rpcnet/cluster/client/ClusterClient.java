package io.rpcnet.cluster.client;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.Subscription;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.ServiceDescriptor;
import io.rpcnet.transport.ClientTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls services on the workers of a {@link WorkerRegistry}: each call picks a worker with the registry's
 * load-balancing strategy among the ALIVE workers matching a {@link TagFilter}, and goes over that worker's own
 * {@link RpcClient} (one per worker, created on first use, its QUIC connection reused by every call).
 *
 * <pre>{@code
 * ClusterClient cluster = ClusterClient.builder(registry)
 *         .tls(ClientTls.trusting(caPem))
 *         .defaultFilter(TagFilter.parse("role=worker"))
 *         .defaultTimeout(Duration.ofSeconds(5))
 *         .build();
 * Compute compute = cluster.proxy(Compute.class);                       // default filter
 * Compute inEu = cluster.proxy(Compute.class, TagFilter.parse("role=worker,zone=eu"));
 * Object r = cluster.call("Compute/run", job, TagFilter.parse("zone=eu")); // needs .service(Compute.class)
 * }</pre>
 *
 * <h2>Each unary call</h2>
 * <ol>
 *   <li>takes a permit of the client's {@link #bulkhead() bulkhead} (full: RESOURCE_EXHAUSTED at once, marked
 *       not-processed);</li>
 *   <li>selects a worker: {@link WorkerRegistry#select} first, skipping a worker whose {@link #circuitBreaker
 *       circuit breaker} refuses (OPEN, or HALF_OPEN with its probes taken) or that this call already tried, in
 *       which case the same strategy chooses among the remaining workers. None: UNAVAILABLE (not processed)
 *       naming the filter;</li>
 *   <li>counts the call on the worker with {@code registry.loadTracker(id).acquireCall()} until it ends, so
 *       LEAST_CONNECTIONS and POWER_OF_TWO_CHOICES see this client's calls at once;</li>
 *   <li>calls the worker and reports the outcome to its breaker (only UNAVAILABLE and DEADLINE_EXCEEDED count as
 *       failures, see {@link ClusterResilience});</li>
 *   <li>on failure, retries on another worker with exponential backoff if {@link ClusterResilience#isRetryable}
 *       allows it: the call certainly never ran ({@link RpcException#wasNotProcessed()}: connection failures
 *       before sending, GOAWAY and limit refusals) for any method, or the method is
 *       {@link io.rpcnet.service.Idempotent @Idempotent} and failed with UNAVAILABLE or DEADLINE_EXCEEDED. A
 *       non-idempotent call that may have run is never retried. The deadline of {@link CallOptions#timeout()}
 *       covers the whole call, retries included.</li>
 * </ol>
 * Methods declared {@code CompletableFuture<R>} (or called through {@link #callAsync}) are asynchronous: the
 * returned future completes on the worker client's callback thread or this client's executor; cancelling it
 * cancels the attempt in flight.
 *
 * <h2>Streaming calls</h2>
 * Server-, client- and bidirectional streaming methods of a {@link #proxy} go to one selected worker with no
 * retry (messages already exchanged cannot be replayed safely); the lease, breaker permission and bulkhead
 * permit are held until the stream ends and its outcome is reported to the breaker.
 *
 * <h2>Worker clients</h2>
 * Created by the {@link WorkerClientFactory} (default: {@link WorkerClientFactory#defaults} with {@link
 * ClusterClientBuilder#tls}); when the registry reports a worker FAILED or LEFT (or its address changes) its client receives
 * no new calls and is closed once its calls in flight end. RECOVERED or re-JOINED workers start with a reset
 * breaker. {@link #close()} closes every worker client.
 *
 * <p>Thread-safe; share one per registry.
 */
public final class ClusterClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterClient.class);

    private final String name;
    private final WorkerRegistry registry;
    private final TagFilter defaultFilter;
    private final CallOptions defaultOptions;
    private final Set<StatusCode> idempotentRetryCodes;
    private final WorkerBreakers breakers;
    private final WorkerSelector selector;
    private final WorkerChannels channels;
    private final Retry retry;
    private final Bulkhead bulkhead;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final ScheduledExecutorService scheduler;
    private final Subscription subscription;
    // package-private parts: the registered interfaces, how calls start, how registry events reach the workers
    private final ServiceCatalog catalog;
    private final CallDispatcher dispatcher;
    private volatile boolean closed;

    ClusterClient(ClusterClientBuilder b) {
        this.name = b.name;
        this.registry = b.registry;
        this.catalog = new ServiceCatalog(b.codec);
        this.defaultFilter = b.defaultFilter;
        this.defaultOptions = b.defaultOptions;
        this.idempotentRetryCodes = Set.copyOf(b.idempotentRetryCodes);
        CircuitBreakerRegistry cbRegistry = b.circuitBreakerRegistry != null ? b.circuitBreakerRegistry
                : CircuitBreakerRegistry.of(b.circuitBreakerConfig);
        this.breakers = new WorkerBreakers(cbRegistry, b.circuitBreakerConfig, name + "-worker-");
        this.selector = new WorkerSelector(registry, breakers);
        this.retry = Retry.of(name, RetryConfig.from(b.retryConfig)
                .retryOnException(UnaryCall.RetryableFailure.class::isInstance)
                .build());
        this.bulkhead = Bulkhead.of(name, b.bulkheadConfig);
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.ownedExecutor = Executors.newCachedThreadPool(r -> daemon(r, name + "-" + n.incrementAndGet()));
            this.executor = ownedExecutor;
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-retry"));
        WorkerClientFactory factory = b.clientFactory != null ? b.clientFactory
                : WorkerClientFactory.defaults(b.tls, b.codec, b.clientCustomizer);
        this.channels = new WorkerChannels(factory, defaultOptions, executor);
        this.dispatcher = new CallDispatcher(this, bulkhead, selector, registry, channels);
        for (Class<?> service : b.services) {
            register(service);
        }
        this.subscription = registry.subscribe(new RegistryEventHandler(channels, breakers));
    }

    private static Thread daemon(Runnable r, String threadName) {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
    }

    /** A builder over {@code registry}, whose strategy ({@code RegistryConfig.balancer}) chooses the workers. */
    public static ClusterClientBuilder builder(WorkerRegistry registry) {
        return new ClusterClientBuilder(registry);
    }

    // ---- proxies ------------------------------------------------------------------------------------

    /** A proxy of {@code serviceInterface} routing calls with the default filter and options. */
    public <T> T proxy(Class<T> serviceInterface) {
        return proxy(serviceInterface, defaultFilter, defaultOptions);
    }

    /** A proxy of {@code serviceInterface} routing calls to workers matching {@code filter}. */
    public <T> T proxy(Class<T> serviceInterface, TagFilter filter) {
        return proxy(serviceInterface, filter, defaultOptions);
    }

    /** A proxy routing calls to workers matching {@code filter}, each call with {@code options}. */
    public <T> T proxy(Class<T> serviceInterface, TagFilter filter, CallOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        ServiceDescriptor service = register(serviceInterface);
        return serviceInterface.cast(Proxy.newProxyInstance(serviceInterface.getClassLoader(),
                new Class<?>[]{serviceInterface}, new ClusterProxyHandler(this, service, filter, options)));
    }

    /**
     * Makes the methods of {@code serviceInterface} callable by name ({@link #call(String, Object)}); proxies
     * register their interface themselves. Returns its descriptor.
     */
    public ServiceDescriptor register(Class<?> serviceInterface) {
        return catalog.register(serviceInterface);
    }

    /**
     * The descriptor of {@code fullName} ({@code Service/method}) from a registered interface.
     *
     * @throws IllegalArgumentException if no registered interface declares it
     */
    public MethodDescriptor method(String fullName) {
        return catalog.method(fullName);
    }

    // ---- unary calls by name or descriptor ----------------------------------------------------------

    /** A unary call of {@code fullMethod} with the default filter and options; blocks for the result. */
    public Object call(String fullMethod, Object request) {
        return call(method(fullMethod), request, defaultFilter, defaultOptions);
    }

    /** A unary call of {@code fullMethod} on a worker matching {@code filter}; blocks for the result. */
    public Object call(String fullMethod, Object request, TagFilter filter) {
        return call(method(fullMethod), request, filter, defaultOptions);
    }

    public Object call(MethodDescriptor method, Object request, TagFilter filter) {
        return call(method, request, filter, defaultOptions);
    }

    /**
     * A unary call on a worker matching {@code filter}, with retries as described in the class comment; blocks
     * for the result (also for methods declared {@code CompletableFuture<R>}).
     *
     * @param request ignored for methods without a parameter
     * @throws RpcException the call's failure (UNAVAILABLE naming the filter when no worker is available,
     *                      RESOURCE_EXHAUSTED when the bulkhead is full)
     */
    public Object call(MethodDescriptor method, Object request, TagFilter filter, CallOptions options) {
        return invokeBlocking(CallDispatcher.requireUnary(method), CallDispatcher.unaryArgs(method, request), filter,
                options);
    }

    /** {@link #call(String, Object)} without blocking. */
    public CompletableFuture<Object> callAsync(String fullMethod, Object request) {
        return callAsync(method(fullMethod), request, defaultFilter, defaultOptions);
    }

    public CompletableFuture<Object> callAsync(String fullMethod, Object request, TagFilter filter) {
        return callAsync(method(fullMethod), request, filter, defaultOptions);
    }

    public CompletableFuture<Object> callAsync(MethodDescriptor method, Object request, TagFilter filter) {
        return callAsync(method, request, filter, defaultOptions);
    }

    /**
     * A unary call without blocking the caller: methods declared {@code CompletableFuture<R>} start on the calling
     * thread, blocking ones run on this client's executor. Failures complete the future exceptionally with the
     * {@link RpcException}; cancelling the future cancels the call.
     */
    public CompletableFuture<Object> callAsync(MethodDescriptor method, Object request, TagFilter filter,
                                              CallOptions options) {
        return invokeAsync(CallDispatcher.requireUnary(method), CallDispatcher.unaryArgs(method, request), filter,
                options);
    }

    // ---- internals used by proxies and calls --------------------------------------------------------

    Object invokeBlocking(MethodDescriptor method, Object[] args, TagFilter filter, CallOptions options) {
        return dispatcher.invokeBlocking(method, args, filter, options);
    }

    CompletableFuture<Object> invokeAsync(MethodDescriptor method, Object[] args, TagFilter filter,
                                          CallOptions options) {
        return dispatcher.invokeAsync(method, args, filter, options);
    }

    /** A streaming call on one selected worker, no retry. */
    Object stream(MethodDescriptor method, Object[] args, TagFilter filter, CallOptions options) {
        return dispatcher.stream(method, args, filter, options);
    }

    WorkerRegistry registry() {
        return registry;
    }

    WorkerSelector selector() {
        return selector;
    }

    WorkerChannels channels() {
        return channels;
    }

    Executor executor() {
        return executor;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    boolean isClosed() {
        return closed;
    }

    Set<StatusCode> idempotentRetryCodes() {
        return idempotentRetryCodes;
    }

    // ---- observability ------------------------------------------------------------------------------

    /** The registry calls are routed through. */
    public WorkerRegistry workerRegistry() {
        return registry;
    }

    public TagFilter defaultFilter() {
        return defaultFilter;
    }

    public CallOptions defaultOptions() {
        return defaultOptions;
    }

    /** The circuit breaker of a worker (created on first use), named {@code <name>-worker-<id>}. */
    public CircuitBreaker circuitBreaker(MemberId worker) {
        return breakers.of(worker);
    }

    /** Where the per-worker breakers live (bind it to Micrometer with resilience4j-micrometer). */
    public CircuitBreakerRegistry circuitBreakerRegistry() {
        return breakers.registry();
    }

    /** The retry instance whose metrics count calls with and without retries. */
    public Retry retry() {
        return retry;
    }

    public Bulkhead bulkhead() {
        return bulkhead;
    }

    /** Workers that currently have an open (not retired) client, in id order. */
    public List<MemberId> connectedWorkers() {
        return channels.connectedWorkers();
    }

    /** Stops routing (new calls fail with UNAVAILABLE) and closes every worker client. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscription.close();
        channels.close();
        scheduler.shutdownNow();
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            try {
                if (!ownedExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                    ownedExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ownedExecutor.shutdownNow();
            }
        }
        log.debug("{} closed", this);
    }

    @Override
    public String toString() {
        return "ClusterClient[" + name + ", " + registry.strategyName() + "]";
    }
}
