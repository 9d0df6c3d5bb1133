package io.rpcnet.codec;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * The default codec: JSON through Jackson 3, using the application's {@link JsonMapper} when given one.
 * {@code byte[]} messages bypass JSON and travel raw, so binary payloads cost no base64.
 */
public final class JacksonCodec implements RpcCodec {

    private final JsonMapper mapper;

    public JacksonCodec() {
        this(JsonMapper.builder().build());
    }

    public JacksonCodec(JsonMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> MessageCodec<T> forType(Type type) {
        if (type == byte[].class) {
            return (MessageCodec<T>) RawBytesCodec.BYTES;
        }
        JavaType javaType = mapper.constructType(type);
        ObjectReader reader = mapper.readerFor(javaType);
        ObjectWriter writer = mapper.writerFor(javaType);
        return new MessageCodec<>() {
            @Override
            public void write(T value, OutputStream out) throws IOException {
                try {
                    writer.writeValue(out, value);
                } catch (JacksonException e) {
                    throw new IOException("cannot encode " + javaType + ": " + e.getOriginalMessage(), e);
                }
            }

            @Override
            public T read(InputStream in, int size) throws IOException {
                if (size == 0) {
                    return null;
                }
                try {
                    return reader.readValue(in);
                } catch (JacksonException e) {
                    throw new IOException("cannot decode " + javaType.getTypeName() + ": " + e.getOriginalMessage(), e);
                }
            }
        };
    }
}
