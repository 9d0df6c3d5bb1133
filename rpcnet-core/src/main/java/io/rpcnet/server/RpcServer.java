package io.rpcnet.server;

import io.rpcnet.codec.JacksonCodec;
import io.rpcnet.codec.RpcCodec;
import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.ServiceDescriptor;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionManager;
import io.rpcnet.transport.QuicServerEndpoint;
import io.rpcnet.transport.ServerCallAcceptor;
import io.rpcnet.transport.ServerTls;
import io.rpcnet.transport.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Serves Java service interfaces over QUIC. Build with {@link #builder()}, {@link #start()}, and
 * {@link #shutdown(Duration)} to drain: GOAWAY to every client, in-flight calls finish within the grace
 * period, then connections close.
 */
public final class RpcServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

    private final Builder config;
    private final Map<String, RegisteredMethod> methods;
    private final Map<String, ServiceDescriptor> services;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private volatile QuicServerEndpoint endpoint;

    private RpcServer(Builder config) {
        this.config = config;
        Map<String, RegisteredMethod> table = new HashMap<>();
        Map<String, ServiceDescriptor> descriptors = new LinkedHashMap<>();
        List<ServerInterceptor> interceptors = config.sessions == null ? List.copyOf(config.interceptors)
                : SessionGate.withSessionBinding(config.sessions, config.interceptors);
        for (Map.Entry<Class<?>, Object> e : config.services.entrySet()) {
            ServiceDescriptor descriptor = ServiceDescriptor.of(e.getKey(), config.codec);
            if (descriptors.putIfAbsent(descriptor.name(), descriptor) != null) {
                throw new IllegalArgumentException("two services are named " + descriptor.name());
            }
            for (MethodDescriptor method : descriptor.methods()) {
                table.put(method.fullName(), new RegisteredMethod(method, e.getValue(),
                        spreader(method, e.getValue()), interceptors));
            }
        }
        this.methods = Collections.unmodifiableMap(table);
        this.services = Collections.unmodifiableMap(descriptors);
        if (config.executor != null) {
            this.executor = config.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = HandlerExecutors.createDefault("rpcnet-handler");
            this.executor = ownedExecutor;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; returns this server. */
    public synchronized RpcServer start() {
        if (endpoint != null) {
            throw new IllegalStateException("server already started");
        }
        ServerCallAcceptor dispatcher = new CallDispatcher(methods, Set.copyOf(services.keySet()), executor);
        if (config.sessions != null) { // refuse a call of a moved, frozen or unknown session before any work
            dispatcher = SessionGate.guard(config.sessions, dispatcher);
        }
        endpoint = QuicServerEndpoint.start(config.bindAddress, config.tls, config.settings, dispatcher,
                config.migrationModes);
        log.info("RpcNet server serving {} on {}", services.keySet(), endpoint.localAddress());
        return this;
    }

    public boolean isRunning() {
        return endpoint != null;
    }

    /** The bound port (the chosen one when configured with port 0). */
    public int port() {
        return localAddress().getPort();
    }

    public InetSocketAddress localAddress() {
        QuicServerEndpoint e = requireStarted();
        return e.localAddress();
    }

    /** The transport limits and timers this server runs with. */
    public TransportSettings settings() {
        return config.settings;
    }

    /** How long {@link #close()} lets in-flight calls finish after GOAWAY. */
    public Duration shutdownGracePeriod() {
        return config.shutdownGracePeriod;
    }

    /** The sessions this server serves calls of, or {@code null} when sessions are off. */
    public SessionManager sessions() {
        return config.sessions;
    }

    public Map<String, ServiceDescriptor> services() {
        return services;
    }

    public int activeConnections() {
        QuicServerEndpoint e = endpoint;
        return e == null ? 0 : e.activeConnections();
    }

    public int activeCalls() {
        QuicServerEndpoint e = endpoint;
        return e == null ? 0 : e.activeCalls();
    }

    /** Open QUIC streams over all connections (a leak shows as a number that never returns to zero). */
    public int openStreams() {
        QuicServerEndpoint e = endpoint;
        return e == null ? 0 : e.openStreams();
    }

    /**
     * Graceful stop: GOAWAY so clients send no new calls, wait up to {@code grace} for in-flight calls, then
     * close (calls still running are cancelled).
     */
    public synchronized void shutdown(Duration grace) {
        QuicServerEndpoint e = endpoint;
        if (e == null) {
            return;
        }
        e.goAway(grace, "server shutting down");
        long deadline = System.nanoTime() + grace.toNanos();
        while (e.activeCalls() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (e.activeCalls() > 0) {
            log.warn("grace period of {} ms over with {} calls still running; cancelling them", grace.toMillis(),
                    e.activeCalls());
        }
        e.close();
        endpoint = null;
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    @Override
    public void close() {
        shutdown(config.shutdownGracePeriod);
    }

    private QuicServerEndpoint requireStarted() {
        QuicServerEndpoint e = endpoint;
        if (e == null) {
            throw new IllegalStateException("server not started");
        }
        return e;
    }

    private static MethodHandle spreader(MethodDescriptor method, Object target) {
        java.lang.reflect.Method javaMethod = method.method();
        MethodHandle handle;
        try {
            handle = MethodHandles.publicLookup().unreflect(javaMethod);
        } catch (IllegalAccessException notPublic) {
            try {
                javaMethod.setAccessible(true); // a package-private service interface
                handle = MethodHandles.lookup().unreflect(javaMethod);
            } catch (IllegalAccessException | RuntimeException e) {
                throw new IllegalArgumentException("cannot call " + javaMethod + ": make the interface public", e);
            }
        }
        int count = javaMethod.getParameterCount();
        return handle.bindTo(target).asSpreader(Object[].class, count)
                .asType(MethodType.methodType(Object.class, Object[].class));
    }

    /** Configuration of a server; TLS is mandatory. */
    public static final class Builder {
        private InetSocketAddress bindAddress = new InetSocketAddress(0);
        private ServerTls tls;
        private TransportSettings settings = TransportSettings.defaults();
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();
        private final List<ServerInterceptor> interceptors = new ArrayList<>();
        private RpcCodec codec = new JacksonCodec();
        private Executor executor;
        private List<String> migrationModes = List.of();
        private Duration shutdownGracePeriod = Duration.ofSeconds(30);
        private SessionManager sessions;

        private Builder() {
        }

        public Builder bindAddress(InetSocketAddress address) {
            this.bindAddress = Objects.requireNonNull(address);
            return this;
        }

        public Builder port(int port) {
            this.bindAddress = new InetSocketAddress(bindAddress.getAddress(), port);
            return this;
        }

        public Builder tls(ServerTls tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Transport limits and timers; {@code eventLoopThreads} (0 = one per core) sizes the server's I/O threads,
         * one UDP socket each with epoll (see {@link io.rpcnet.transport.QuicServerEndpoint}).
         */
        public Builder settings(TransportSettings settings) {
            this.settings = Objects.requireNonNull(settings);
            return this;
        }

        /** Serves {@code implementation} under the service interface {@code serviceInterface}. */
        public <T> Builder addService(Class<T> serviceInterface, T implementation) {
            Objects.requireNonNull(implementation, "implementation");
            if (!serviceInterface.isInstance(implementation)) {
                throw new IllegalArgumentException(implementation.getClass().getName() + " does not implement "
                        + serviceInterface.getName());
            }
            services.put(serviceInterface, implementation);
            return this;
        }

        public Builder interceptor(ServerInterceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor));
            return this;
        }

        public Builder codec(RpcCodec codec) {
            this.codec = Objects.requireNonNull(codec);
            return this;
        }

        /** Executor for handlers (not shut down by the server). Default: see {@link HandlerExecutors}. */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /** Session-migration modes announced in HELLO. */
        public Builder migrationModes(List<String> modes) {
            this.migrationModes = List.copyOf(new LinkedHashSet<>(modes));
            return this;
        }

        /**
         * Serves sessions held by {@code manager} (off by default). A call whose session id the manager knows
         * runs with {@link RpcSession#current()} set; a session the manager handed over recently fails with
         * MOVED (naming the new owner), a frozen one with UNAVAILABLE (not processed), an unknown id with
         * SESSION_LOST; a call without a session id runs without a session. Handlers open sessions with
         * {@link SessionManager#create()} and return the id to the client in their response.
         */
        public Builder sessions(SessionManager manager) {
            this.sessions = manager;
            return this;
        }

        public Builder shutdownGracePeriod(Duration grace) {
            this.shutdownGracePeriod = Objects.requireNonNull(grace);
            return this;
        }

        public RpcServer build() {
            if (tls == null) {
                throw new IllegalStateException("RpcNet requires TLS: configure the server's certificate and "
                        + "private key with tls(ServerTls.fromPem(...)) or ServerTls.fromKeyStore(...)");
            }
            if (services.isEmpty()) {
                throw new IllegalStateException("no services registered: call addService(...)");
            }
            return new RpcServer(this);
        }
    }
}
