package io.rpcnet.boot.autoconfigure.server;

import io.rpcnet.boot.autoconfigure.TransportProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.InetAddress;
import java.time.Duration;

/** The embedded RpcNet server, under {@code rpcnet.server}. */
@ConfigurationProperties("rpcnet.server")
public class RpcServerProperties extends TransportProperties {

    /** Whether to serve {@code @RpcService} beans. */
    private boolean enabled = true;

    /** Address to bind; all interfaces by default. */
    private InetAddress address;

    /** UDP port to bind; 0 picks a free port (published as {@code local.rpcnet.server.port}). */
    private int port = 7443;

    /** Calls served at once per connection; more are refused with RESOURCE_EXHAUSTED. */
    private int maxConcurrentCalls = 2048;

    private final Ssl ssl = new Ssl();

    private final Shutdown shutdown = new Shutdown();

    private final Executor executor = new Executor();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public InetAddress getAddress() {
        return address;
    }

    public void setAddress(InetAddress address) {
        this.address = address;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public int getMaxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    public void setMaxConcurrentCalls(int maxConcurrentCalls) {
        this.maxConcurrentCalls = maxConcurrentCalls;
    }

    public Ssl getSsl() {
        return ssl;
    }

    public Shutdown getShutdown() {
        return shutdown;
    }

    public Executor getExecutor() {
        return executor;
    }

    /** TLS of the server; there is no plaintext mode. */
    public static class Ssl {

        /** Name of the SSL bundle ({@code spring.ssl.bundle.*}) holding the server's key and certificate. */
        private String bundle;

        /** Generate an in-memory self-signed certificate for local development (logs a warning). */
        private boolean selfSigned;

        /** Require clients to present a certificate trusted by the bundle's trust material (mutual TLS). */
        private boolean clientAuth;

        public String getBundle() {
            return bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }

        public boolean isSelfSigned() {
            return selfSigned;
        }

        public void setSelfSigned(boolean selfSigned) {
            this.selfSigned = selfSigned;
        }

        public boolean isClientAuth() {
            return clientAuth;
        }

        public void setClientAuth(boolean clientAuth) {
            this.clientAuth = clientAuth;
        }
    }

    /** Graceful shutdown. */
    public static class Shutdown {

        /** How long in-flight calls may take to finish after GOAWAY before they are cancelled. */
        private Duration gracePeriod = Duration.ofSeconds(30);

        public Duration getGracePeriod() {
            return gracePeriod;
        }

        public void setGracePeriod(Duration gracePeriod) {
            this.gracePeriod = gracePeriod;
        }
    }

    /** Where blocking handlers run. */
    public static class Executor {

        /** Executor kind: virtual threads on Java 21+ and a bounded pool on 17 (auto), or forced. */
        private ExecutorType type = ExecutorType.AUTO;

        /** Threads of the bounded pool; 0 = 8 per core, at least 16. */
        private int threads;

        /** Queue of the bounded pool; calls beyond it are refused with RESOURCE_EXHAUSTED. */
        private int queueCapacity = 10_000;

        public ExecutorType getType() {
            return type;
        }

        public void setType(ExecutorType type) {
            this.type = type;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public int getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }
    }

    /** Kinds of handler executor. */
    public enum ExecutorType {
        /** Virtual threads when the JVM has them (21+), otherwise a bounded pool. */
        AUTO,
        /** Virtual threads; fails at startup on a JVM without them. */
        VIRTUAL,
        /** A fixed pool with a bounded queue. */
        BOUNDED
    }
}
