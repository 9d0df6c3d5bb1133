package io.rpcnet.boot.autoconfigure.cluster;

import io.rpcnet.boot.autoconfigure.client.RpcClientProperties;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.server.RpcServerLifecycle;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.cluster.Tags;
import io.rpcnet.cluster.membership.WorkerMembershipAgent;
import io.rpcnet.server.RpcServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A worker's membership with the context: joins the directors in {@code rpcnet.cluster.seeds} once its own
 * RpcNet server is bound (so it can advertise the real port), and sends LEAVE before the server drains on
 * shutdown. Joining does not block startup: directors that are not up yet are retried in the background.
 */
public class ClusterWorkerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterWorkerLifecycle.class);

    private final RpcClusterProperties properties;
    private final RpcClientProperties clientProperties;
    private final RpcTlsFactory tls;
    private final RpcServerLifecycle server;
    private final Environment environment;
    private volatile WorkerMembershipAgent agent;

    public ClusterWorkerLifecycle(RpcClusterProperties properties, RpcClientProperties clientProperties,
                                  RpcTlsFactory tls, RpcServerLifecycle server, Environment environment) {
        this.properties = properties;
        this.clientProperties = clientProperties;
        this.tls = tls;
        this.server = server;
        this.environment = environment;
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
                .memberId(memberId())
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
            current.close(); // LEAVE first, so directors see LEFT rather than a failure
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

    private String memberId() {
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
