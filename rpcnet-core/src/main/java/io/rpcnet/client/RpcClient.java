package io.rpcnet.client;

import io.rpcnet.codec.JacksonCodec;
import io.rpcnet.codec.RpcCodec;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.ServiceDescriptor;
import io.rpcnet.transport.ClientConnection;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.QuicClientEndpoint;
import io.rpcnet.transport.TransportSettings;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of one RpcNet server (or director): keeps a QUIC connection, reconnecting when it is lost or
 * the server sends GOAWAY, and makes typed proxies of service interfaces. Thread-safe; share one per
 * target.
 */
public final class RpcClient implements AutoCloseable {

    private final Builder config;
    private final QuicClientEndpoint endpoint;
    private final ClientCalls calls = new ClientCalls(this);
    private final Map<Class<?>, ServiceDescriptor> descriptors = new ConcurrentHashMap<>();
    private final Executor callbackExecutor;
    private final ExecutorService ownedCallbackExecutor;
    private final Object connectLock = new Object();
    private volatile ClientConnection connection;
    private final List<ClientConnection> retiring = new ArrayList<>();
    private volatile boolean closed;
    private final AtomicLong connectionsOpened = new AtomicLong();

    private RpcClient(Builder config) {
        this.config = config;
        this.endpoint = new QuicClientEndpoint(config.tls, config.settings);
        if (config.callbackExecutor != null) {
            this.callbackExecutor = config.callbackExecutor;
            this.ownedCallbackExecutor = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.ownedCallbackExecutor = Executors.newFixedThreadPool(
                    Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
                        Thread t = new Thread(r, "rpcnet-callback-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            this.callbackExecutor = ownedCallbackExecutor;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A proxy of {@code serviceInterface} using the client's default call options. */
    public <T> T proxy(Class<T> serviceInterface) {
        return proxy(serviceInterface, config.defaultOptions);
    }

    /** A proxy whose calls use {@code options} (deadline, metadata, session). */
    public <T> T proxy(Class<T> serviceInterface, CallOptions options) {
        ServiceDescriptor descriptor = descriptors.computeIfAbsent(serviceInterface,
                type -> ServiceDescriptor.of(type, config.codec));
        return serviceInterface.cast(Proxy.newProxyInstance(serviceInterface.getClassLoader(),
                new Class<?>[]{serviceInterface}, new ClientProxyHandler(descriptor, calls, options, toString())));
    }

    /** The connection in use, opened (or re-opened) on demand. */
    ClientConnection connection() {
        return connection(null);
    }

    /**
     * The connection in use; opening one waits at most until {@code deadline} (when given), so a call's
     * deadline also bounds the handshake.
     */
    ClientConnection connection(io.rpcnet.service.Deadline deadline) {
        ClientConnection c = connection;
        if (c != null && c.isActive() && !c.isDraining()) {
            return c;
        }
        synchronized (connectLock) {
            if (closed) {
                throw new RpcException(io.rpcnet.protocol.Status.notProcessed(StatusCode.UNAVAILABLE, "client is closed"));
            }
            c = connection;
            if (c != null && c.isActive() && !c.isDraining()) {
                return c;
            }
            if (c != null && c.isActive()) {
                retiring.add(c); // draining: finishes its calls, then is closed
            }
            closeIdleRetired();
            ClientConnection fresh = deadline == null
                    ? endpoint.connect(config.host, config.port, config.migrationModes)
                    : connectBefore(deadline);
            connection = fresh;
            connectionsOpened.incrementAndGet();
            return fresh;
        }
    }

    private ClientConnection connectBefore(io.rpcnet.service.Deadline deadline) {
        long nanos = deadline.remainingNanos();
        if (nanos <= 0) {
            throw new RpcException(io.rpcnet.protocol.Status.notProcessed(StatusCode.DEADLINE_EXCEEDED,
                    "deadline passed before a connection to " + config.host + ":" + config.port + " was open"));
        }
        try {
            return endpoint.connect(config.host, config.port, config.migrationModes, Duration.ofNanos(nanos));
        } catch (RpcException e) {
            if (deadline.isExpired() && e.getMessage().contains("timed out")) {
                throw new RpcException(io.rpcnet.protocol.Status.notProcessed(StatusCode.DEADLINE_EXCEEDED,
                        "deadline passed while connecting to " + config.host + ":" + config.port), e);
            }
            throw e;
        }
    }

    /** Closes connections that were replaced after GOAWAY once their last call has ended. */
    private void closeIdleRetired() {
        retiring.removeIf(old -> {
            if (!old.isActive()) {
                return true;
            }
            if (old.activeCalls() == 0) {
                old.close();
                return true;
            }
            return false;
        });
    }

    /** Connections replaced after GOAWAY that still had calls in flight (checked on each reconnect and close). */
    public int retiringConnections() {
        synchronized (connectLock) {
            closeIdleRetired();
            return retiring.size();
        }
    }

    Executor callbackExecutor() {
        return callbackExecutor;
    }

    /** Where async unary futures complete; {@code null} = on the I/O thread that received the response. */
    Executor unaryCallbackExecutor() {
        return config.callbackExecutor;
    }

    List<ClientInterceptor> interceptors() {
        return config.interceptors;
    }

    /** Open streams on the current connection (0 when none is open). */
    public int openStreams() {
        ClientConnection c = connection;
        return c == null || !c.isActive() ? 0 : c.openStreams();
    }

    /**
     * How many QUIC connections this client has opened so far: 1 for a client that never had to reconnect
     * (a live migration behind a director keeps it at 1).
     */
    public long connectionsOpened() {
        return connectionsOpened.get();
    }

    public boolean isConnected() {
        ClientConnection c = connection;
        return c != null && c.isActive();
    }

    @Override
    public void close() {
        synchronized (connectLock) {
            closed = true;
            ClientConnection c = connection;
            if (c != null) {
                c.close();
            }
            retiring.forEach(ClientConnection::close);
            retiring.clear();
        }
        endpoint.close();
        if (ownedCallbackExecutor != null) {
            ownedCallbackExecutor.shutdown();
        }
    }

    @Override
    public String toString() {
        return "RpcClient[" + config.host + ":" + config.port + "]";
    }

    /** Client configuration; a target and a trust source are required. */
    public static final class Builder {
        private String host;
        private int port;
        private ClientTls tls;
        private TransportSettings settings = TransportSettings.defaults();
        private RpcCodec codec = new JacksonCodec();
        private CallOptions defaultOptions = CallOptions.DEFAULT;
        private final List<ClientInterceptor> interceptors = new ArrayList<>();
        private Executor callbackExecutor;
        private List<String> migrationModes = List.of();

        private Builder() {
        }

        /** The server to call; {@code host} is also the name its certificate must carry. */
        public Builder target(String host, int port) {
            this.host = Objects.requireNonNull(host);
            this.port = port;
            return this;
        }

        public Builder tls(ClientTls tls) {
            this.tls = tls;
            return this;
        }

        public Builder settings(TransportSettings settings) {
            this.settings = Objects.requireNonNull(settings);
            return this;
        }

        public Builder codec(RpcCodec codec) {
            this.codec = Objects.requireNonNull(codec);
            return this;
        }

        /** Deadline applied to every call made through proxies without their own options. */
        public Builder defaultTimeout(Duration timeout) {
            this.defaultOptions = defaultOptions.withTimeout(timeout);
            return this;
        }

        public Builder defaultOptions(CallOptions options) {
            this.defaultOptions = Objects.requireNonNull(options);
            return this;
        }

        public Builder interceptor(ClientInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor));
            return this;
        }

        /**
         * Where async results and stream messages are delivered. By default async unary futures complete on
         * the I/O thread (chain blocking work with {@code thenApplyAsync}) and stream observers run on a small
         * pool owned by the client. Setting an executor moves both onto it.
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = executor;
            return this;
        }

        public Builder migrationModes(List<String> modes) {
            this.migrationModes = List.copyOf(modes);
            return this;
        }

        public RpcClient build() {
            if (host == null || port <= 0 || port > 65535) {
                throw new IllegalStateException("set the target host and port with target(host, port)");
            }
            if (tls == null) {
                throw new IllegalStateException("RpcNet requires TLS: configure trusted certificates with "
                        + "tls(ClientTls.trusting(caPem)) or ClientTls.systemTrust()");
            }
            return new RpcClient(this);
        }
    }
}
