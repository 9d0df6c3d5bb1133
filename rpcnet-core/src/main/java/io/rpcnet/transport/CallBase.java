package io.rpcnet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.rpcnet.protocol.Frame;
import io.rpcnet.protocol.FrameCodec;
import io.rpcnet.protocol.FrameType;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * What a call needs on either side to send: it encodes frames on the caller's thread, hands them to the
 * connection's {@link OutboundQueue}, and tracks the bytes not yet written so senders can wait for
 * room ({@link #awaitReady}) instead of buffering without bound.
 */
abstract class CallBase {

    /** Bytes a call may have queued before {@link #isReady()} turns false. */
    static final int HIGH_WATER_MARK = 256 * 1024;

    final long callId;
    final StreamContext stream;
    final OutboundQueue queue;
    private final int maxMessageSize;
    private static final AtomicLongFieldUpdater<CallBase> QUEUED_BYTES =
            AtomicLongFieldUpdater.newUpdater(CallBase.class, "queuedBytes");

    private volatile long queuedBytes;
    /** Senders waiting for room ({@link #awaitReady}, on this call's monitor: no lock object per call). */
    private volatile int waiters;
    private volatile boolean finished;

    CallBase(long callId, StreamContext stream, OutboundQueue queue, int maxMessageSize) {
        this.callId = callId;
        this.stream = stream;
        this.queue = queue;
        this.maxMessageSize = maxMessageSize;
    }

    public long callId() {
        return callId;
    }

    /** Encodes one MESSAGE frame; fails with RESOURCE_EXHAUSTED if it exceeds the peer's limit. */
    ByteBuf encodeMessage(PayloadWriter writer, int flags) {
        ByteBuf buf = stream.channel().alloc().directBuffer(messageFrameSizeHint(writer));
        boolean ok = false;
        try {
            writeMessageFrame(buf, writer, flags);
            ok = true;
            return buf;
        } finally {
            if (!ok) {
                buf.release();
            }
        }
    }

    /** Bytes to reserve for a MESSAGE frame of {@code writer}: exact when forwarding, a guess otherwise. */
    int messageFrameSizeHint(PayloadWriter writer) {
        return writer instanceof CopiedPayload copied
                ? FrameCodec.headerSize(callId) + Math.min(copied.size(), maxMessageSize + 1) : 256;
    }

    /**
     * Appends one MESSAGE frame to {@code buf}; fails with RESOURCE_EXHAUSTED if it exceeds the peer's limit (the
     * caller then releases {@code buf}).
     */
    void writeMessageFrame(ByteBuf buf, PayloadWriter writer, int flags) {
        int at = FrameCodec.beginFrame(buf, FrameType.MESSAGE, flags, callId);
        int start = buf.writerIndex();
        try {
            if (writer instanceof CopiedPayload copied) {
                copied.appendTo(buf);
            } else {
                try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
                    writer.writeTo(out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int size = buf.writerIndex() - start;
        if (size > maxMessageSize) {
            throw new RpcException(StatusCode.RESOURCE_EXHAUSTED,
                    "message of " + size + " bytes exceeds the limit of " + maxMessageSize + " bytes");
        }
        FrameCodec.endFrame(buf, at);
    }

    void enqueue(ByteBuf frames, boolean endsCall, boolean fin) {
        QUEUED_BYTES.addAndGet(this, frames.readableBytes());
        queue.enqueue(new OutboundQueue.Item(stream, frames, this, endsCall, fin));
    }

    /** Called on the event loop as the queue hands this call's bytes to the stream. */
    void onDequeued(int bytes) {
        long left = QUEUED_BYTES.addAndGet(this, -bytes);
        if (waiters > 0 && left < HIGH_WATER_MARK) {
            signalReady();
        }
    }

    /** Called on the event loop once the call's last frame is written or the call is torn down. */
    abstract void onRemoved();

    /** Whether a message can be sent now without piling up memory. */
    public boolean isReady() {
        return !finished && queuedBytes < HIGH_WATER_MARK && stream.channel().isWritable();
    }

    /**
     * Blocks until {@link #isReady()} or the call finishes or the timeout passes. Returns immediately on an
     * event-loop thread (which must never block).
     */
    public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
        if (isReady() || finished || stream.channel().eventLoop().inEventLoop()) {
            return isReady();
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (this) {
            waiters++;
            try {
                long nanos;
                while (!isReady() && !finished && (nanos = deadline - System.nanoTime()) > 0) {
                    // bounded: the stream's writability has no callback here, so re-check it now and then
                    long millis = Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(nanos), 50));
                    wait(millis);
                }
                return isReady();
            } finally {
                waiters--;
            }
        }
    }

    void signalReady() {
        synchronized (this) {
            notifyAll();
        }
    }

    void markFinished() {
        finished = true;
        if (waiters > 0) {
            signalReady();
        }
    }

    boolean isFinished() {
        return finished;
    }

    /** Stops reading the call's stream when the consumer is behind (dedicated streams only). */
    public void pauseInbound() {
        setAutoRead(false);
    }

    public void resumeInbound() {
        setAutoRead(true);
    }

    private void setAutoRead(boolean autoRead) {
        if (!stream.isDedicated()) {
            return;
        }
        stream.channel().config().setAutoRead(autoRead);
    }

    static int endFlag(boolean end) {
        return end ? Frame.FLAG_END : 0;
    }
}
