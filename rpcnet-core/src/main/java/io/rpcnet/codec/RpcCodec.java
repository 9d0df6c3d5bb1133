package io.rpcnet.codec;

import java.lang.reflect.Type;

/**
 * Payload serialization SPI. A codec prepares one {@link MessageCodec} per Java type when a service or
 * proxy is built, so nothing is looked up per call.
 */
public interface RpcCodec {

    /** Short name for logs and diagnostics, e.g. {@code json}. */
    String name();

    /** A reader/writer for values of {@code type}; fails fast if the type cannot be handled. */
    <T> MessageCodec<T> forType(Type type);
}
