package io.rpcnet.boot.autoconfigure.server;

import io.rpcnet.boot.annotation.RpcService;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.codec.RpcCodec;
import io.rpcnet.server.RpcServer;
import io.rpcnet.server.ServerInterceptor;
import io.rpcnet.session.SessionManager;
import io.rpcnet.transport.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Runs the RpcNet server with the application context: binds after the singletons are ready, serving every
 * {@link RpcService} bean (with sessions from the {@link SessionManager} bean, if there is one); on close
 * marks readiness REFUSING_TRAFFIC, sends GOAWAY and lets in-flight calls finish within
 * {@code rpcnet.server.shutdown.grace-period}.
 */
public class RpcServerLifecycle implements SmartLifecycle {

    /** Property holding the bound port (useful with {@code rpcnet.server.port=0}). */
    public static final String LOCAL_PORT_PROPERTY = "local.rpcnet.server.port";

    private static final Logger log = LoggerFactory.getLogger(RpcServerLifecycle.class);

    private final RpcServerProperties properties;
    private final RpcTlsFactory tls;
    private final RpcCodec codec;
    private final ObjectProvider<ServerInterceptor> interceptors;
    private final Executor executor;
    private final ApplicationContext context;
    private final ConfigurableEnvironment environment;
    private volatile RpcServer server;
    private volatile boolean running;
    /** Keeps the JVM alive while the server runs (its I/O threads are daemons), like a web server's. */
    private volatile Thread keepAlive;

    public RpcServerLifecycle(RpcServerProperties properties, RpcTlsFactory tls, RpcCodec codec,
                              ObjectProvider<ServerInterceptor> interceptors, Executor executor,
                              ApplicationContext context, ConfigurableEnvironment environment) {
        this.properties = properties;
        this.tls = tls;
        this.codec = codec;
        this.interceptors = interceptors;
        this.executor = executor;
        this.context = context;
        this.environment = environment;
    }

    @Override
    public void start() {
        Map<Class<?>, Object> services = discoverServices();
        running = true;
        if (services.isEmpty()) {
            log.info("No @RpcService beans: the RpcNet server is not started");
            return;
        }
        TransportSettings settings = settings();
        RpcServer.Builder builder = RpcServer.builder()
                .bindAddress(new InetSocketAddress(address(), properties.getPort()))
                .tls(tls.server(properties.getSsl().getBundle(), properties.getSsl().isSelfSigned(),
                        properties.getSsl().isClientAuth()))
                .settings(settings)
                .codec(codec)
                .executor(executor)
                .shutdownGracePeriod(properties.getShutdown().getGracePeriod());
        SessionManager sessions = context.getBeanProvider(SessionManager.class).getIfUnique();
        if (sessions != null) {
            builder.sessions(sessions);
        }
        services.forEach((type, bean) -> register(builder, type, bean));
        interceptors.orderedStream().forEach(builder::interceptor);
        RpcServer started = builder.build().start();
        server = started;
        environment.getPropertySources().addFirst(new MapPropertySource("rpcnet.server.ports",
                Map.of(LOCAL_PORT_PROPERTY, started.port())));
        log.info("RpcNet server started on port {} serving {}{}", started.port(), started.services().keySet(),
                sessions == null ? "" : " with sessions of " + sessions.workerId());
        startKeepAlive(started.port());
    }

    private void startKeepAlive(int port) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                java.util.concurrent.locks.LockSupport.park(this);
            }
        }, "rpcnet-server-" + port + "-keep-alive");
        t.setDaemon(false);
        keepAlive = t;
        t.start();
    }

    @SuppressWarnings("unchecked")
    private static <T> void register(RpcServer.Builder builder, Class<T> type, Object bean) {
        builder.addService(type, (T) bean);
    }

    @Override
    public void stop() {
        RpcServer current = server;
        running = false;
        if (current == null) {
            return;
        }
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        log.info("RpcNet server draining (grace period {})", properties.getShutdown().getGracePeriod());
        current.shutdown(properties.getShutdown().getGracePeriod());
        server = null;
        Thread t = keepAlive;
        keepAlive = null;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts late and stops early, so handlers' dependencies outlive in-flight calls. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }

    /** The running server, or {@code null} before start, after stop, or when there is nothing to serve. */
    public RpcServer server() {
        return server;
    }

    private Map<Class<?>, Object> discoverServices() {
        Map<Class<?>, Object> services = new LinkedHashMap<>();
        for (String name : context.getBeanNamesForAnnotation(RpcService.class)) {
            Object bean = context.getBean(name);
            RpcService annotation = context.findAnnotationOnBean(name, RpcService.class);
            for (Class<?> type : serviceInterfaces(name, bean, annotation)) {
                Object previous = services.putIfAbsent(type, bean);
                if (previous != null) {
                    throw new IllegalStateException("two @RpcService beans implement " + type.getName()
                            + ": '" + name + "' and another; serve each interface once");
                }
            }
        }
        for (RpcServiceDefinition<?> definition : context.getBeanProvider(RpcServiceDefinition.class).orderedStream()
                .map(d -> (RpcServiceDefinition<?>) d).toList()) {
            if (services.putIfAbsent(definition.serviceInterface(), definition.implementation()) != null) {
                throw new IllegalStateException("two services implement " + definition.serviceInterface().getName());
            }
        }
        return services;
    }

    private static List<Class<?>> serviceInterfaces(String name, Object bean, RpcService annotation) {
        if (annotation != null && annotation.value().length > 0) {
            return Arrays.asList(annotation.value());
        }
        Class<?> target = AopUtils.getTargetClass(bean);
        List<Class<?>> candidates = new ArrayList<>();
        for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(target)) {
            String pkg = type.getPackageName();
            if (!pkg.startsWith("java.") && !pkg.startsWith("org.springframework.") && !pkg.startsWith("jdk.")) {
                candidates.add(type);
            }
        }
        if (candidates.size() != 1) {
            throw new IllegalStateException("@RpcService bean '" + name + "' (" + target.getName() + ") implements "
                    + (candidates.isEmpty() ? "no service interface" : candidates.size() + " interfaces " + candidates)
                    + ": name the service interface with @RpcService(value = ...)");
        }
        return candidates;
    }

    private InetAddress address() {
        return properties.getAddress();
    }

    private TransportSettings settings() {
        if (properties.getMaxConcurrentCalls() < 1) {
            throw new InvalidRpcPropertyException("rpcnet.server.max-concurrent-calls",
                    properties.getMaxConcurrentCalls(), "must be at least 1");
        }
        if (properties.getPort() < 0 || properties.getPort() > 65535) {
            throw new InvalidRpcPropertyException("rpcnet.server.port", properties.getPort(),
                    "must be between 0 (any free port) and 65535");
        }
        if (properties.getShutdown().getGracePeriod() == null || properties.getShutdown().getGracePeriod().isNegative()) {
            throw new InvalidRpcPropertyException("rpcnet.server.shutdown.grace-period",
                    properties.getShutdown().getGracePeriod(), "must be zero or positive");
        }
        return properties.applyTo(TransportSettings.builder(), "rpcnet.server")
                .maxConcurrentCalls(properties.getMaxConcurrentCalls())
                .build();
    }
}
