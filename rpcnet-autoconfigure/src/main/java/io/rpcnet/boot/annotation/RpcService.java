package io.rpcnet.boot.annotation;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Serves a bean over QUIC. On a class it is a {@link Component} stereotype; on a {@code @Bean} method it
 * marks that bean. The service contract is the bean's interface (or {@link #value()} when it implements
 * several).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Component
public @interface RpcService {

    /** The service interface to serve; empty = the single interface the bean implements. */
    Class<?>[] value() default {};

    /** Bean name when used on a class. */
    @AliasFor(annotation = Component.class, attribute = "value")
    String name() default "";
}
