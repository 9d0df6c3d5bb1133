package io.rpcnet.server;

import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;
import io.rpcnet.service.Deadline;
import io.rpcnet.service.MethodDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a handler may know about the call it serves: method, metadata, deadline, peer, and whether the call
 * was cancelled (client cancel, deadline, disconnect). Reach it with {@link #current()} inside a handler.
 */
public final class CallContext {

    private static final Logger log = LoggerFactory.getLogger(CallContext.class);
    private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();

    private final MethodDescriptor method;
    private final CallHeader header;
    private final Deadline deadline;
    private final SocketAddress remoteAddress;
    private List<Runnable> cancelListeners;
    private List<Consumer<Status>> closeListeners;
    private Status closeStatus;
    private volatile Status cancelReason;
    private Metadata trailers; // guarded by "this"; sent with the final STATUS

    CallContext(MethodDescriptor method, CallHeader header, Deadline deadline, SocketAddress remoteAddress) {
        this.method = method;
        this.header = header;
        this.deadline = deadline;
        this.remoteAddress = remoteAddress;
    }

    /** The context of the call the current thread is serving, or {@code null} outside a handler. */
    public static CallContext current() {
        return CURRENT.get();
    }

    CallContext attach() {
        CallContext previous = CURRENT.get();
        CURRENT.set(this);
        return previous;
    }

    static void restore(CallContext previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    public MethodDescriptor method() {
        return method;
    }

    public Metadata metadata() {
        return header.metadata();
    }

    /** The session this call belongs to, or {@code null}. */
    public String sessionId() {
        return header.sessionId();
    }

    /** The caller's deadline, or {@code null} when it set none. */
    public Deadline deadline() {
        return deadline;
    }

    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    public boolean isCancelled() {
        return cancelReason != null;
    }

    /** Why the call was cancelled, or {@code null}. */
    public Status cancelReason() {
        return cancelReason;
    }

    /** Runs {@code listener} when the call is cancelled (immediately if it already was). */
    public void onCancel(Runnable listener) {
        boolean runNow;
        synchronized (this) {
            runNow = cancelReason != null;
            if (!runNow) {
                if (cancelListeners == null) {
                    cancelListeners = new ArrayList<>(2);
                }
                cancelListeners.add(listener);
            }
        }
        if (runNow) {
            listener.run();
        }
    }

    /**
     * Runs {@code listener} once with the call's final status when it ends, however it ends (response,
     * error, cancel, deadline); immediately if it already has. For interceptors that measure calls.
     */
    public void onClose(Consumer<Status> listener) {
        Status status;
        synchronized (this) {
            status = closeStatus;
            if (status == null) {
                if (closeListeners == null) {
                    closeListeners = new ArrayList<>(2);
                }
                closeListeners.add(listener);
                return;
            }
        }
        listener.accept(status);
    }

    /** Adds a trailer to the call's final STATUS (the server's session announcement). */
    synchronized void putTrailer(String key, String value) {
        if (trailers == null) {
            trailers = new Metadata();
        }
        trailers.put(key, value);
    }

    /** The trailers for the final STATUS (a copy), or {@code null} when there are none. */
    synchronized Metadata trailers() {
        return trailers == null ? null : trailers.copy();
    }

    void close(Status status) {
        List<Consumer<Status>> listeners;
        synchronized (this) {
            if (closeStatus != null) {
                return;
            }
            closeStatus = status;
            listeners = closeListeners;
            closeListeners = null;
        }
        if (listeners != null) {
            for (Consumer<Status> l : listeners) {
                try {
                    l.accept(status);
                } catch (RuntimeException e) {
                    log.warn("close listener of {} failed", method.fullName(), e);
                }
            }
        }
    }

    void cancel(Status reason) {
        List<Runnable> listeners;
        synchronized (this) {
            if (cancelReason != null) {
                return;
            }
            cancelReason = reason;
            listeners = cancelListeners;
            cancelListeners = null;
        }
        if (listeners != null) {
            for (Runnable l : listeners) {
                try {
                    l.run();
                } catch (RuntimeException e) {
                    log.warn("cancel listener of {} failed", method.fullName(), e);
                }
            }
        }
    }
}
