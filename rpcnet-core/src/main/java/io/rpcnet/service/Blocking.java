package io.rpcnet.service;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code CompletableFuture}-returning method whose implementation blocks before it returns its
 * future. Such methods then run on the handler executor like synchronous ones; without the mark, async
 * methods are invoked on the I/O thread (they are expected to return at once) to save a thread hop.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Blocking {
}
