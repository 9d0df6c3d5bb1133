package io.rpcnet.boot.autoconfigure.director;

import io.rpcnet.director.DirectorGateway;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * Runs the {@link DirectorGateway} with the application context: binds when the context is refreshed,
 * publishing the bound port as {@value #LOCAL_PORT_PROPERTY}, and closes when it stops (in the same phase as
 * the RpcNet server ({@code RpcServerLifecycle}), so it starts late and stops early).
 */
public class DirectorGatewayLifecycle implements SmartLifecycle {

    /** Property holding the bound port (useful with {@code rpcnet.director.gateway.port=0}). */
    public static final String LOCAL_PORT_PROPERTY = "local.rpcnet.director.gateway.port";

    private final DirectorGateway gateway;
    private final ConfigurableEnvironment environment;
    private volatile boolean running;

    public DirectorGatewayLifecycle(DirectorGateway gateway, ConfigurableEnvironment environment) {
        this.gateway = gateway;
        this.environment = environment;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        gateway.start();
        running = true;
        environment.getPropertySources().addFirst(new MapPropertySource("rpcnet.director.gateway.ports",
                Map.of(LOCAL_PORT_PROPERTY, gateway.port())));
    }

    @Override
    public synchronized void stop() {
        if (running) {
            running = false;
            gateway.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }

    /** The gateway. */
    public DirectorGateway gateway() {
        return gateway;
    }

    /** The bound port; only while running. */
    public int port() {
        return gateway.port();
    }
}
