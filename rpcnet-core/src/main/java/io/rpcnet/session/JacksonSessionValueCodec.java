package io.rpcnet.session;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.Type;
import java.util.Objects;

/**
 * The default {@link SessionValueCodec}: JSON through Jackson 3, with the application's {@link JsonMapper}
 * when given one (the same mapper the RPC payload codec uses, so values behave alike on the wire and in
 * the session). {@code byte[]} values are stored raw.
 */
public final class JacksonSessionValueCodec implements SessionValueCodec {

    private final JsonMapper mapper;

    public JacksonSessionValueCodec() {
        this(JsonMapper.builder().build());
    }

    public JacksonSessionValueCodec(JsonMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public byte[] encode(Object value) {
        Objects.requireNonNull(value, "value");
        if (value instanceof byte[] raw) {
            return raw.clone();
        }
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot encode a session value of type " + value.getClass().getName()
                    + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T decode(byte[] bytes, Type type) {
        if (type == byte[].class) {
            return (T) bytes.clone();
        }
        try {
            return mapper.readValue(bytes, mapper.constructType(type));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot decode a session value as " + type.getTypeName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }
}
