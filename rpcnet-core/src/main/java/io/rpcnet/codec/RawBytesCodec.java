package io.rpcnet.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;

/** Passes {@code byte[]} messages through untouched; for services that bring their own serialization. */
public final class RawBytesCodec implements RpcCodec {

    static final MessageCodec<byte[]> BYTES = new MessageCodec<>() {
        @Override
        public void write(byte[] value, OutputStream out) throws IOException {
            if (value != null) {
                out.write(value);
            }
        }

        @Override
        public byte[] read(InputStream in, int size) throws IOException {
            return in.readNBytes(size);
        }
    };

    @Override
    public String name() {
        return "raw";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> MessageCodec<T> forType(Type type) {
        if (type != byte[].class) {
            throw new IllegalArgumentException("the raw codec only carries byte[], not " + type.getTypeName());
        }
        return (MessageCodec<T>) BYTES;
    }
}
