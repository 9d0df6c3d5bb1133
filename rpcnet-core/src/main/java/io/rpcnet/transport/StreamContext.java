package io.rpcnet.transport;

import io.netty.handler.codec.quic.QuicStreamChannel;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-stream bookkeeping shared by both sides: which calls run on the stream, whether the peer has
 * finished sending, and when this side may send its FIN (with the last STATUS, never as a separate empty
 * write). Touched only on the connection's event loop.
 */
final class StreamContext {

    /** Application error code on RESET_STREAM / STOP_SENDING: the stream is simply no longer needed. */
    static final int RESET_NO_ERROR = 0;
    /** Application error code on RESET_STREAM / STOP_SENDING: the call on the stream was cancelled. */
    static final int RESET_CANCELLED = 1;

    private final QuicStreamChannel channel;
    private final List<CallBase> calls = new ArrayList<>(4);
    private boolean dedicated;
    private boolean inputClosed;
    private boolean outputClosed;
    private boolean finishAfterCalls;
    private boolean finishNow;
    private long lastActivityNanos = System.nanoTime();

    StreamContext(QuicStreamChannel channel) {
        this.channel = channel;
    }

    QuicStreamChannel channel() {
        return channel;
    }

    boolean isDedicated() {
        return dedicated;
    }

    void markDedicated() {
        dedicated = true;
    }

    void addCall(CallBase call) {
        calls.add(call);
        lastActivityNanos = System.nanoTime();
    }

    List<CallBase> calls() {
        return calls;
    }

    int activeCalls() {
        return calls.size();
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    void onCallEnded(CallBase call) {
        calls.remove(call);
        lastActivityNanos = System.nanoTime();
        call.onRemoved();
    }

    void markInputClosed() {
        inputClosed = true;
    }

    boolean isInputClosed() {
        return inputClosed;
    }

    /**
     * Server side: end this side (FIN with the last STATUS) once the stream has no calls left and no more
     * can come: at once for a dedicated stream, after the client's FIN for a lane.
     */
    void finishOutputWhenIdle() {
        finishAfterCalls = true;
    }

    /** This side's next batch carries FIN (a client ending a dedicated stream with END or CANCEL). */
    void finishOutputNow() {
        finishNow = true;
    }

    boolean shouldFinishOutput() {
        return finishNow || finishAfterCalls && calls.isEmpty() && (dedicated || inputClosed);
    }

    /**
     * Abandons the stream in both directions (RESET_STREAM and STOP_SENDING with {@code errorCode}) and
     * closes it locally: used where a FIN cannot be sent with the last bytes.
     */
    void reset(int errorCode) {
        outputClosed = true;
        if (channel.eventLoop().inEventLoop()) {
            resetNow(errorCode);
        } else {
            channel.eventLoop().execute(() -> resetNow(errorCode));
        }
    }

    private void resetNow(int errorCode) {
        if (channel.isActive()) {
            channel.shutdown(errorCode).addListener(f -> channel.close());
        }
    }

    boolean isOutputClosed() {
        return outputClosed;
    }

    void markOutputClosed() {
        outputClosed = true;
    }
}
