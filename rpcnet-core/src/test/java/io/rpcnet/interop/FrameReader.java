package io.rpcnet.interop;

import tech.kwik.core.QuicStream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Reads one stream of the interop client on its own thread, splitting it into {@link Frame}s as PROTOCOL.md
 * §2 describes; the test takes frames with a timeout and checks that the server ends the stream cleanly.
 */
final class FrameReader implements Runnable {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Object END = new Object();

    private final InputStream in;
    private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
    private final Thread thread;

    FrameReader(QuicStream stream) {
        this.in = stream.getInputStream();
        this.thread = new Thread(this, "kwik-reader-" + stream.getStreamId());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            while (true) {
                int type = in.read();
                if (type < 0) {
                    frames.add(END);
                    return;
                }
                int flags = readByte();
                long callId = readVarint();
                long length = readVarint();
                if (length > 16 * 1024 * 1024) {
                    throw new IOException("implausible frame length " + length);
                }
                byte[] payload = in.readNBytes((int) length);
                if (payload.length != length) {
                    throw new EOFException("stream ended inside a frame payload");
                }
                frames.add(new Frame(type, flags, callId, payload));
            }
        } catch (IOException | RuntimeException e) {
            frames.add(e);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("stream ended inside a frame header");
        }
        return b;
    }

    private long readVarint() throws IOException {
        int first = readByte();
        int length = 1 << (first >>> 6);
        long value = first & 0x3F;
        for (int i = 1; i < length; i++) {
            value = (value << 8) | readByte();
        }
        return value;
    }

    private Object poll() throws InterruptedException {
        Object next = frames.poll(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            fail("no frame within " + READ_TIMEOUT);
        }
        return next;
    }

    Frame next() throws InterruptedException {
        Object next = poll();
        if (next == END) {
            fail("the server ended the stream where a frame was expected");
        }
        if (next instanceof Exception e) {
            throw new AssertionError("reading the stream failed: " + e, e);
        }
        return (Frame) next;
    }

    /** The server FINs its side: the stream ends cleanly after no further frames. */
    void awaitEnd() throws InterruptedException {
        Object next = poll();
        if (next instanceof Exception e) {
            throw new AssertionError("expected a clean end of stream (FIN), got " + e, e);
        }
        assertThat(next).as("expected the server's FIN, got another frame").isSameAs(END);
    }

    void stop() {
        thread.interrupt();
    }
}
