package io.rpcnet.boot.annotation;

import org.springframework.beans.factory.annotation.Value;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Injects the port the director's gateway bound, useful with {@code rpcnet.director.gateway.port=0} in tests. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Value("${local.rpcnet.director.gateway.port}")
public @interface LocalDirectorGatewayPort {
}
