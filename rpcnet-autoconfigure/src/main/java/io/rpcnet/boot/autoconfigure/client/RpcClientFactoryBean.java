package io.rpcnet.boot.autoconfigure.client;

import io.rpcnet.boot.annotation.RpcClient;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcProxyHandler;
import io.rpcnet.service.ProxyObjectMethods;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.boot.convert.DurationStyle;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Creates the proxy bean of an {@link RpcClient} interface. The proxy binds to its target's client on the
 * first call, so it can be injected (by constructor, into {@code final} fields) before the target's
 * address is known.
 */
public class RpcClientFactoryBean<T> implements FactoryBean<T>, BeanFactoryAware {

    private final Class<T> type;
    private BeanFactory beanFactory;

    public RpcClientFactoryBean(Class<T> type) {
        this.type = type;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public T getObject() {
        RpcClient annotation = type.getAnnotation(RpcClient.class);
        if (annotation == null) {
            throw new IllegalStateException(type.getName() + " is not annotated with @RpcClient");
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type},
                new LazyTarget(annotation, UnaryOperator.identity())));
    }

    @Override
    public Class<?> getObjectType() {
        return type;
    }

    /**
     * Resolves the real proxy on first use and delegates to it; {@code change} adjusts the annotation's options
     * (a proxy derived with {@link io.rpcnet.client.RpcProxies}, e.g. bound to a session).
     */
    private final class LazyTarget implements RpcProxyHandler {
        private final RpcClient annotation;
        private final UnaryOperator<CallOptions> change;
        private volatile Object delegate;

        LazyTarget(RpcClient annotation, UnaryOperator<CallOptions> change) {
            this.annotation = annotation;
            this.change = change;
        }

        @Override
        public RpcProxyHandler withOptions(UnaryOperator<CallOptions> next) {
            return new LazyTarget(annotation, options -> next.apply(change.apply(options)));
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (ProxyObjectMethods.handles(method)) {
                return ProxyObjectMethods.invoke(proxy, method, args,
                        "RpcClient[" + type.getSimpleName() + " -> " + annotation.target() + "]");
            }
            try {
                return method.invoke(delegate(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private Object delegate() {
            Object d = delegate;
            if (d == null) {
                synchronized (this) {
                    d = delegate;
                    if (d == null) {
                        RpcClients clients = beanFactory.getBean(RpcClients.class);
                        Duration deadline = annotation.deadline().isEmpty() ? clients.deadline(annotation.target())
                                : parse(annotation.deadline());
                        CallOptions options = deadline == null || deadline.isZero() ? CallOptions.DEFAULT
                                : CallOptions.DEFAULT.withTimeout(deadline);
                        d = clients.client(annotation.target()).proxy(type, change.apply(options));
                        delegate = d;
                    }
                }
            }
            return d;
        }

        private Duration parse(String value) {
            try {
                return DurationStyle.detectAndParse(value);
            } catch (IllegalArgumentException e) {
                throw new InvalidRpcPropertyException("@RpcClient(deadline) on " + type.getName(), value,
                        "not a duration, e.g. 2s or 500ms");
            }
        }
    }
}
