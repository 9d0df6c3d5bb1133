package io.rpcnet.server;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.session.Moved;
import io.rpcnet.session.MovedTo;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionManager;
import io.rpcnet.session.SessionTrailers;
import io.rpcnet.transport.InboundMessage;
import io.rpcnet.transport.ServerCallAcceptor;
import io.rpcnet.transport.ServerCallListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a server with sessions decides whether a call of a session may run (PROTOCOL.md §13): a session
 * handed over recently is answered MOVED (with the new owner in the trailers), a frozen one UNAVAILABLE
 * marked not processed, an unknown one SESSION_LOST; otherwise the handler runs with the session bound to
 * {@link RpcSession#current()}. The check is made when the call arrives (before any work) and again when its
 * handler starts, since the session may have been frozen or handed over while the call waited for a thread.
 */
final class SessionGate {

    /** Listens to a call that was answered before it started: nothing more is done with it. */
    private static final ServerCallListener ANSWERED = new ServerCallListener() {
        @Override
        public void onMessage(InboundMessage message) {
            message.release();
        }

        @Override
        public void onHalfClose() {
        }

        @Override
        public void onCancel(Status reason) {
        }
    };

    private SessionGate() {
    }

    /** Refuses a call of a session that may not run before {@code next} sees it. */
    static ServerCallAcceptor guard(SessionManager sessions, ServerCallAcceptor next) {
        return (call, header) -> {
            String id = header.sessionId();
            if (id != null) {
                try {
                    admit(sessions, id);
                } catch (Refusal r) {
                    if (r.trailers == null) {
                        throw r;
                    }
                    call.sendStatus(r.status(), r.trailers); // a thrown status cannot carry trailers
                    return ANSWERED;
                }
            }
            return next.accept(call, header);
        };
    }

    /**
     * Puts a session binder before {@code rest}: a call carrying a session id runs with
     * {@link RpcSession#current()} set (for user interceptors too), after the checks of {@link #guard} are
     * made again; the session a call opened is announced in its trailers.
     */
    static List<ServerInterceptor> withSessionBinding(SessionManager sessions, List<ServerInterceptor> rest) {
        List<ServerInterceptor> all = new ArrayList<>(rest.size() + 1);
        all.add(invocation -> {
            CallContext context = invocation.context();
            String id = context.sessionId();
            try (SessionManager.Creations created = sessions.recordCreations()) {
                try {
                    if (id == null) {
                        return invocation.proceed();
                    }
                    RpcSession session;
                    try {
                        session = admit(sessions, id);
                    } catch (Refusal r) {
                        if (r.trailers != null) {
                            r.trailers.asMap().forEach(context::putTrailer);
                        }
                        throw r;
                    }
                    session.touch();
                    try (RpcSession.Scope ignored = session.enter()) {
                        return CallReplay.proceed(invocation, session);
                    }
                } finally {
                    announce(context, created.sessions());
                }
            }
        });
        all.addAll(rest);
        return List.copyOf(all);
    }

    /** The session a call of {@code id} runs in; a {@link Refusal} when the call must not run. */
    private static RpcSession admit(SessionManager sessions, String id) {
        Optional<MovedTo> moved = sessions.movedTo(id);
        if (moved.isPresent()) {
            MemberId owner = MemberId.of(moved.get().owner());
            throw new Refusal(Moved.status(id, owner), Moved.trailers(owner, moved.get().epoch()));
        }
        RpcSession session = sessions.find(id).orElseThrow(() -> new Refusal(Status.of(StatusCode.SESSION_LOST,
                "session '" + id + "' is not held by worker " + sessions.workerId()
                        + ": it expired, was closed, or its state was lost; open a new session"), null));
        if (session.isFrozen()) {
            throw new Refusal(Status.notProcessed(StatusCode.UNAVAILABLE, "session '" + id + "' is being moved to"
                    + " another worker; the call was not processed, retry it when the move is over"), null);
        }
        return session;
    }

    /** Names the session the call opened (the last, if several) in the trailers of its final STATUS. */
    private static void announce(CallContext context, List<RpcSession> created) {
        if (created.isEmpty()) {
            return;
        }
        SessionTrailers.announce(new Metadata(), created.get(created.size() - 1)).asMap()
                .forEach(context::putTrailer);
    }

    /** A call that must not run: its status, and the trailers to answer with (or {@code null}). */
    private static final class Refusal extends RpcException {
        private static final long serialVersionUID = 1L;

        private final transient Metadata trailers;

        Refusal(Status status, Metadata trailers) {
            super(status);
            this.trailers = trailers;
        }
    }
}
