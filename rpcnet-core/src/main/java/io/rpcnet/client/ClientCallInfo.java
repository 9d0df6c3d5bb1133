package io.rpcnet.client;

import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;
import io.rpcnet.service.MethodDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A call about to start, as a {@link ClientInterceptor} sees it. */
public final class ClientCallInfo {

    private final MethodDescriptor method;
    private final CallOptions options;
    private final Metadata metadata;
    private List<Consumer<Status>> closeListeners;
    private volatile Metadata trailers;

    ClientCallInfo(MethodDescriptor method, CallOptions options, Metadata metadata) {
        this.method = method;
        this.options = options;
        this.metadata = metadata;
    }

    public MethodDescriptor method() {
        return method;
    }

    public CallOptions options() {
        return options;
    }

    /** The request metadata; interceptors may add entries. */
    public Metadata metadata() {
        return metadata;
    }

    /**
     * The trailers of the call's final STATUS: {@code null} until the call ends, then set before the close
     * listeners run (empty when the server sent none). A session opened by the call is announced here; read
     * its id with {@link io.rpcnet.session.SessionTrailers#sessionId}.
     */
    public Metadata trailers() {
        return trailers;
    }

    /** Runs {@code listener} with the final status when the call ends; {@link #trailers()} is set by then. */
    public void onClose(Consumer<Status> listener) {
        if (closeListeners == null) {
            closeListeners = new ArrayList<>(2);
        }
        closeListeners.add(listener);
    }

    void fireClose(Status status, Metadata trailers) {
        this.trailers = trailers == null ? Metadata.empty() : trailers.unmodifiable();
        if (closeListeners != null) {
            for (Consumer<Status> l : closeListeners) {
                try {
                    l.accept(status);
                } catch (RuntimeException ignored) {
                    // an interceptor's listener must not break the call
                }
            }
        }
    }
}
