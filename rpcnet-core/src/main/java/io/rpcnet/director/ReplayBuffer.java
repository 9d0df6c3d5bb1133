package io.rpcnet.director;

import io.rpcnet.transport.InboundMessage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The request messages of a session call already sent to a worker, kept until the worker's first response:
 * a worker answers MOVED before running anything, so until then the call can be replayed, once, on the new
 * owner. Bounded; beyond the bounds (or once the worker responds) the messages are released and a MOVED
 * answer is passed to the client instead. Not thread-safe: the forwarded call guards it.
 */
final class ReplayBuffer {

    static final int MAX_MESSAGES = 64;
    static final long MAX_BYTES = 1 << 20;

    private List<InboundMessage> sent; // created by the first message kept
    private long sentBytes;
    private boolean replayable;

    /** A buffer for a call in a session (replayable) or not (releases every message at once). */
    ReplayBuffer(boolean sessionCall) {
        this.replayable = sessionCall;
    }

    boolean isReplayable() {
        return replayable;
    }

    /** Keeps {@code m} for a replay while within bounds, else gives up replaying and releases it. */
    void keepOrRelease(InboundMessage m) {
        if (replayable && (sent == null || sent.size() < MAX_MESSAGES) && sentBytes + m.size() <= MAX_BYTES) {
            if (sent == null) {
                sent = new ArrayList<>(4);
            }
            sent.add(m);
            sentBytes += m.size();
        } else {
            stop();
            m.release();
        }
    }

    /** No replay any more (the worker runs the call, or the call ended): releases what was kept. */
    void stop() {
        replayable = false;
        if (sent != null) {
            sent.forEach(InboundMessage::release);
            sent.clear();
        }
        sentBytes = 0;
    }

    /** Moves the kept messages, in order, to the front of {@code pending} for the next worker. */
    void requeueInto(ArrayDeque<InboundMessage> pending) {
        if (sent == null) {
            return;
        }
        for (int i = sent.size() - 1; i >= 0; i--) {
            pending.addFirst(sent.get(i));
        }
        sent.clear();
        sentBytes = 0;
    }
}
