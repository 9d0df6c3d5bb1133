package io.rpcnet.boot.annotation;

import org.springframework.beans.factory.annotation.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Optional marker for {@link io.rpcnet.server.ServerInterceptor} beans (every such bean is applied
 * anyway, ordered by {@code @Order}); handy on {@code @Bean} methods for readability.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Qualifier
public @interface RpcServerInterceptor {
}
