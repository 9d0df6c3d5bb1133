package io.rpcnet.boot.autoconfigure.client;

import io.rpcnet.boot.autoconfigure.TransportProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** RpcNet clients, under {@code rpcnet.client}. */
@ConfigurationProperties("rpcnet.client")
public class RpcClientProperties extends TransportProperties {

    /** Deadline of every call unless a target or proxy sets its own; the server learns it too. */
    private Duration defaultDeadline = Duration.ofSeconds(30);

    private final Ssl ssl = new Ssl();

    /** Named servers that {@code @RpcClient(target = "...")} refers to. */
    private final Map<String, Target> targets = new LinkedHashMap<>();

    public Duration getDefaultDeadline() {
        return defaultDeadline;
    }

    public void setDefaultDeadline(Duration defaultDeadline) {
        this.defaultDeadline = defaultDeadline;
    }

    public Ssl getSsl() {
        return ssl;
    }

    public Map<String, Target> getTargets() {
        return targets;
    }

    /** How clients verify servers. */
    public static class Ssl {

        /** SSL bundle whose trust material verifies servers (and whose key, if any, is the client identity); the JDK's trust store when unset. */
        private String bundle;

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }
    }

    /** One named server. */
    public static class Target {

        /** {@code host:port} of the server; the certificate must name the host. */
        private String address;

        /** Name the server certificate must carry when it differs from the host (e.g. dialling an IP). */
        private String serverName;

        /** SSL bundle for this target; the client-wide bundle when unset. */
        private String sslBundle;

        /** Deadline for calls to this target; the client-wide default when unset. */
        private Duration defaultDeadline;

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public String getServerName() {
            return serverName;
        }

        public void setServerName(String serverName) {
            this.serverName = serverName;
        }

        public String getSslBundle() {
            return sslBundle;
        }

        public void setSslBundle(String sslBundle) {
            this.sslBundle = sslBundle;
        }

        public Duration getDefaultDeadline() {
            return defaultDeadline;
        }

        public void setDefaultDeadline(Duration defaultDeadline) {
            this.defaultDeadline = defaultDeadline;
        }
    }
}
