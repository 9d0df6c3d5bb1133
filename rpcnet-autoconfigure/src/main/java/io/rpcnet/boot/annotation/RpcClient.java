package io.rpcnet.boot.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a service interface as a client: a proxy bean is registered for it (injectable by constructor)
 * that calls the target named here, configured under {@code rpcnet.client.targets.<target>}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcClient {

    /** Name of the target under {@code rpcnet.client.targets}. */
    String target();

    /** Per-proxy deadline overriding the target's default, e.g. {@code "2s"}; empty = the default. */
    String deadline() default "";

    /**
     * Whether the proxy is the primary bean of its interface, so that injection picks it even when the
     * same application also serves the interface with an {@code @RpcService} bean (as Feign does).
     */
    boolean primary() default true;
}
