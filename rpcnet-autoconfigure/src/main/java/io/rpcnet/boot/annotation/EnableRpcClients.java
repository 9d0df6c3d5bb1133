package io.rpcnet.boot.annotation;

import io.rpcnet.boot.autoconfigure.client.RpcClientsRegistrar;
import org.springframework.context.annotation.Import;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Scans packages for {@link RpcClient} interfaces. Without it the application's auto-configuration
 * packages (where {@code @SpringBootApplication} sits) are scanned.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Import(RpcClientsRegistrar.class)
public @interface EnableRpcClients {

    /** Packages to scan; empty = the package of the annotated class. */
    String[] basePackages() default {};

    /** Types whose packages are scanned. */
    Class<?>[] basePackageClasses() default {};

    /** Interfaces to register directly, without scanning. */
    Class<?>[] clients() default {};
}
