package io.rpcnet.cluster.client;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.Idempotent;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The resilience rules of {@link ClusterClient} and the resilience4j settings it uses unless told otherwise.
 * Start from these when mapping configuration properties, e.g.
 * {@code CircuitBreakerConfig.from(ClusterResilience.defaultCircuitBreakerConfig()).failureRateThreshold(25).build()},
 * so the predicates that decide what counts as a worker failure are kept.
 *
 * <h2>Circuit breaker (one per worker)</h2>
 * Count based, the last {@value #DEFAULT_WINDOW} calls, evaluated once {@value #DEFAULT_MINIMUM_CALLS} are
 * recorded: at a failure rate of 50 % or more the worker's breaker opens and the worker is skipped by selection
 * for {@value #DEFAULT_OPEN_SECONDS} s; then {@value #DEFAULT_HALF_OPEN_CALLS} calls probe it (half-open) and
 * close the breaker again or re-open it. Only {@linkplain #isWorkerFailure transport failures} (UNAVAILABLE,
 * DEADLINE_EXCEEDED) count as failures; application errors count as successes (the worker answered), and a
 * caller's cancellation is ignored. No background threads: OPEN becomes HALF_OPEN when a call asks.
 *
 * <h2>Retry (per logical call, onto another worker)</h2>
 * At most {@value #DEFAULT_MAX_ATTEMPTS} attempts in all, waiting 50 ms, 100 ms, ... (exponential, factor 2,
 * ±50 % jitter, at most 2 s) between them, and never beyond the call's deadline. A failed attempt is retried
 * only if {@link #isRetryable} says so: the call {@linkplain RpcException#wasNotProcessed() certainly never
 * ran} (any method), or the method is {@link Idempotent @Idempotent} and the failure's code is one of
 * {@link #DEFAULT_IDEMPOTENT_RETRY_CODES}. A non-idempotent call that may have run is never retried.
 *
 * <h2>Bulkhead (per client)</h2>
 * At most {@value #DEFAULT_MAX_CONCURRENT_CALLS} logical calls in flight through one {@link ClusterClient}
 * (retries of a call use its one permit; a streaming call holds it until the stream ends), no waiting: a call
 * beyond that fails at once with RESOURCE_EXHAUSTED marked not-processed. Per-worker concurrency is already
 * bounded by each worker's own limit ({@code maxConcurrentCalls}, whose refusals are not-processed and so
 * retried on another worker).
 */
public final class ClusterResilience {

    static final int DEFAULT_WINDOW = 20;
    static final int DEFAULT_MINIMUM_CALLS = 5;
    static final int DEFAULT_OPEN_SECONDS = 10;
    static final int DEFAULT_HALF_OPEN_CALLS = 2;
    static final int DEFAULT_MAX_ATTEMPTS = 3;
    static final int DEFAULT_MAX_CONCURRENT_CALLS = 1024;

    /** Codes after which an {@link Idempotent} call is retried on another worker even if it may have run. */
    public static final Set<StatusCode> DEFAULT_IDEMPOTENT_RETRY_CODES =
            Set.copyOf(EnumSet.of(StatusCode.UNAVAILABLE, StatusCode.DEADLINE_EXCEEDED));

    private ClusterResilience() {
    }

    /** The per-worker circuit breaker settings described above. */
    public static CircuitBreakerConfig defaultCircuitBreakerConfig() {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(DEFAULT_WINDOW)
                .minimumNumberOfCalls(DEFAULT_MINIMUM_CALLS)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(DEFAULT_OPEN_SECONDS))
                .permittedNumberOfCallsInHalfOpenState(DEFAULT_HALF_OPEN_CALLS)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(ClusterResilience::isWorkerFailure)
                .ignoreException(ClusterResilience::isCallerCancellation)
                .writableStackTraceEnabled(false)
                .build();
    }

    /** The retry settings described above (the client adds its own retry predicate). */
    public static RetryConfig defaultRetryConfig() {
        return RetryConfig.custom()
                .maxAttempts(DEFAULT_MAX_ATTEMPTS)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(50), 2.0, 0.5,
                        Duration.ofSeconds(2)))
                .writableStackTraceEnabled(false)
                .build();
    }

    /** The bulkhead settings described above. */
    public static BulkheadConfig defaultBulkheadConfig() {
        return BulkheadConfig.custom()
                .maxConcurrentCalls(DEFAULT_MAX_CONCURRENT_CALLS)
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build();
    }

    /**
     * Whether a failure says something about the worker's health (counted by its circuit breaker): an
     * {@link RpcException} with UNAVAILABLE (connection refused, lost or going away) or DEADLINE_EXCEEDED.
     */
    public static boolean isWorkerFailure(Throwable error) {
        return error instanceof RpcException e
                && (e.code() == StatusCode.UNAVAILABLE || e.code() == StatusCode.DEADLINE_EXCEEDED);
    }

    /** A call the caller cancelled (or interrupted): neither a success nor a failure of the worker. */
    public static boolean isCallerCancellation(Throwable error) {
        return error instanceof RpcException e && e.code() == StatusCode.CANCELLED;
    }

    /** Whether the method (or its interface) is marked {@link Idempotent}. */
    public static boolean isIdempotent(Method method) {
        return method.isAnnotationPresent(Idempotent.class)
                || method.getDeclaringClass().isAnnotationPresent(Idempotent.class);
    }

    /**
     * The retry rule: a call that {@linkplain RpcException#wasNotProcessed() certainly never ran} may go to another
     * worker whatever the method; one that may have run only if it is idempotent and failed with one of
     * {@code idempotentRetryCodes}. Cancellation by the caller is never retried.
     */
    public static boolean isRetryable(RpcException failure, boolean idempotent, Set<StatusCode> idempotentRetryCodes) {
        if (failure.code() == StatusCode.CANCELLED) {
            return false;
        }
        return failure.wasNotProcessed() || idempotent && idempotentRetryCodes.contains(failure.code());
    }
}
