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

    /** The server ends its side once the stream has no calls left and no more can come. */
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

    boolean isOutputClosed() {
        return outputClosed;
    }

    void markOutputClosed() {
        outputClosed = true;
    }
}
