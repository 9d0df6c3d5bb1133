package io.rpcnet.boot.autoconfigure.cluster;

import io.rpcnet.boot.autoconfigure.client.RpcClientProperties;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.server.RpcServerLifecycle;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.Tags;
import io.rpcnet.cluster.membership.MembershipService.DrainResult;
import io.rpcnet.cluster.membership.WorkerMembershipAgent;
import io.rpcnet.server.RpcServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker's membership with the context: joins the directors in {@code rpcnet.cluster.seeds} once its own
 * RpcNet server is bound (so it can advertise the real port), and sends LEAVE before the server drains on
 * shutdown. Joining does not block startup: directors that are not up yet are retried in the background.
 *
 * <p>With a drain timeout (live migration with {@code rpcnet.migration.drain-on-shutdown=true}), stopping first
 * asks the directors to drain the worker, moving its sessions to other workers while its server still serves,
 * and waits for the answer at most that long (plus a short margin for the reply), then leaves.
 */
public class ClusterWorkerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterWorkerLifecycle.class);
    /** Waited for a drain's answer beyond the drain timeout (the directors answer at the timeout). */
    private static final Duration DRAIN_REPLY_MARGIN = Duration.ofSeconds(2);

    private final RpcClusterProperties properties;
    private final RpcClientProperties clientProperties;
    private final RpcTlsFactory tls;
    private final RpcServerLifecycle server;
    private final Environment environment;
    private final MemberId memberId;
    private final Duration drainTimeout;
    private volatile WorkerMembershipAgent agent;

    /** A worker with the member id from {@link #memberId(RpcClusterProperties, Environment)} that does not drain. */
    public ClusterWorkerLifecycle(RpcClusterProperties properties, RpcClientProperties clientProperties,
                                  RpcTlsFactory tls, RpcServerLifecycle server, Environment environment) {
        this(properties, clientProperties, tls, server, environment,
                MemberId.of(memberId(properties, environment)), null);
    }

    /**
     * @param memberId     this worker's member id (sessions it holds name it as their owner)
     * @param drainTimeout how long a drain before leaving may take; {@code null} to leave without one
     */
    public ClusterWorkerLifecycle(RpcClusterProperties properties, RpcClientProperties clientProperties,
                                  RpcTlsFactory tls, RpcServerLifecycle server, Environment environment,
                                  MemberId memberId, Duration drainTimeout) {
        this.properties = properties;
        this.clientProperties = clientProperties;
        this.tls = tls;
        this.server = server;
        this.environment = environment;
        this.memberId = Objects.requireNonNull(memberId, "memberId");
        this.drainTimeout = drainTimeout;
    }

    @Override
    public void start() {
        RpcServer rpcServer = server.server();
        if (rpcServer == null) {
            throw new IllegalStateException("rpcnet.cluster.role=worker needs a running RpcNet server: "
                    + "serve at least one @RpcService and keep rpcnet.server.enabled=true");
        }
        if (properties.getSeeds().isEmpty()) {
            throw new InvalidRpcPropertyException("rpcnet.cluster.seeds", "[]",
                    "a worker needs the host:port of at least one director");
        }
        Map<String, String> tags = new LinkedHashMap<>(properties.getTags());
        tags.putIfAbsent(Tags.ROLE, "worker");
        var builder = WorkerMembershipAgent.builder()
                .memberId(memberId.value())
                .advertisedAddress(advertisedAddress(rpcServer))
                .tags(tags)
                .seeds(properties.getSeeds())
                .heartbeatInterval(properties.getHeartbeatInterval())
                .tls(tls.client(clientProperties.getSsl().getBundle(), "rpcnet.client.ssl.bundle", null))
                .load(WorkerMembershipAgent.inFlightCallsOf(rpcServer));
        if (properties.getSecret() != null && !properties.getSecret().isBlank()) {
            builder.secret(properties.getSecret());
        }
        WorkerMembershipAgent started = builder.build();
        agent = started;
        started.join().whenComplete((ok, error) -> {
            if (error != null) {
                log.error("worker {} could not join the cluster: {}", started.localMember().value(), error.getMessage());
            } else {
                log.info("worker {} joined the cluster at {}", started.localMember().value(), properties.getSeeds());
            }
        });
    }

    @Override
    public void stop() {
        WorkerMembershipAgent current = agent;
        agent = null;
        if (current != null) {
            if (drainTimeout != null) {
                drain(current);
            }
            current.close(); // LEAVE first, so directors see LEFT rather than a failure
        }
    }

    /** Asks the directors to move this worker's sessions elsewhere and waits for the answer (bounded). */
    private void drain(WorkerMembershipAgent current) {
        String id = current.localMember().value();
        long started = System.nanoTime();
        try {
            DrainResult result = current.requestDrain(drainTimeout).toCompletableFuture()
                    .get(drainTimeout.toMillis() + DRAIN_REPLY_MARGIN.toMillis(), TimeUnit.MILLISECONDS);
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            if (result.drained()) {
                log.info("worker {} drained before shutdown in {} ms: {} sessions migrated", id, millis,
                        result.migrated());
            } else {
                log.warn("worker {} not drained before shutdown ({} ms): {} sessions migrated, {} failed, {} "
                        + "remaining ({})", id, millis, result.migrated(), result.failed(), result.remaining(),
                        result.message());
            }
        } catch (TimeoutException e) {
            log.warn("worker {}: no drain answer within {}; leaving with the sessions it holds", id, drainTimeout);
        } catch (ExecutionException e) {
            log.warn("worker {}: drain failed ({}); leaving with the sessions it holds", id, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("worker {}: interrupted while draining; leaving with the sessions it holds", id);
        }
    }

    @Override
    public boolean isRunning() {
        return agent != null;
    }

    /** After the server starts, before it stops. */
    @Override
    public int getPhase() {
        return server.getPhase() + 1;
    }

    /** The agent, or {@code null} when stopped. */
    public WorkerMembershipAgent agent() {
        return agent;
    }

    /** This worker's member id. */
    public MemberId memberId() {
        return memberId;
    }

    /** How long a drain before leaving may take, or {@code null} when the worker leaves without one. */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /** {@code rpcnet.cluster.member-id}, or {@code spring.application.name} (else "worker") + a random suffix. */
    public static String memberId(RpcClusterProperties properties, Environment environment) {
        if (properties.getMemberId() != null && !properties.getMemberId().isBlank()) {
            return properties.getMemberId();
        }
        String app = environment.getProperty("spring.application.name", "worker");
        return app + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String advertisedAddress(RpcServer rpcServer) {
        if (properties.getAdvertisedAddress() != null && !properties.getAdvertisedAddress().isBlank()) {
            return environment.resolveRequiredPlaceholders(properties.getAdvertisedAddress());
        }
        InetSocketAddress bound = rpcServer.localAddress();
        InetAddress address = bound.getAddress();
        String host;
        if (address == null || address.isAnyLocalAddress()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                throw new InvalidRpcPropertyException("rpcnet.cluster.advertised-address", null,
                        "the server listens on all interfaces and the host name cannot be resolved; set host:port");
            }
        } else {
            host = address.isLoopbackAddress() ? "localhost" : address.getHostAddress();
        }
        return host + ":" + bound.getPort();
    }
}
