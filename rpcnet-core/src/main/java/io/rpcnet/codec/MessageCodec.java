package io.rpcnet.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reads and writes messages of one type, straight from and into the transport's buffers. */
public interface MessageCodec<T> {

    void write(T value, OutputStream out) throws IOException;

    /** Reads one whole message of {@code size} bytes. */
    T read(InputStream in, int size) throws IOException;
}
