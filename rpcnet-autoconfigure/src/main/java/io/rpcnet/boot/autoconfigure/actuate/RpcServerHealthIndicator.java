package io.rpcnet.boot.autoconfigure.actuate;

import io.rpcnet.boot.autoconfigure.server.RpcServerLifecycle;
import io.rpcnet.server.RpcServer;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** Health {@code rpcnet}: UP while the server is bound (with port, connections, calls), DOWN otherwise. */
public final class RpcServerHealthIndicator extends AbstractHealthIndicator {

    private final RpcServerLifecycle lifecycle;

    public RpcServerHealthIndicator(RpcServerLifecycle lifecycle) {
        super("RpcNet server health check failed");
        this.lifecycle = lifecycle;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        RpcServer server = lifecycle.server();
        if (server == null || !server.isRunning()) {
            builder.down().withDetail("reason", lifecycle.isRunning() ? "no @RpcService beans to serve"
                    : "server not running");
            return;
        }
        builder.up()
                .withDetail("port", server.port())
                .withDetail("connections", server.activeConnections())
                .withDetail("activeCalls", server.activeCalls())
                .withDetail("services", server.services().keySet());
    }
}
