package io.rpcnet.boot.autoconfigure.director;

import io.rpcnet.boot.autoconfigure.TransportProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.InetAddress;

/**
 * The director's gateway, the QUIC endpoint clients call to reach the workers' services (sticky sessions,
 * live migration), under {@code rpcnet.director.gateway}. The QUIC settings ({@code max-message-size},
 * {@code idle-timeout}, {@code keep-alive}) are those of the client-facing endpoint; the director→worker side
 * uses {@code rpcnet.client.*}.
 */
@ConfigurationProperties("rpcnet.director.gateway")
public class RpcDirectorGatewayProperties extends TransportProperties {

    /** Whether a director ({@code rpcnet.cluster.role=director}) runs the gateway. */
    private boolean enabled = true;

    /** UDP port to bind; 0 picks a free port (published as {@code local.rpcnet.director.gateway.port}). */
    private int port = 7400;

    /** Address to bind; the server's {@code rpcnet.server.address} when unset, else all interfaces. */
    private InetAddress bindAddress;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public InetAddress getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(InetAddress bindAddress) {
        this.bindAddress = bindAddress;
    }
}
