/**
 * Client sessions held by a worker: {@link io.rpcnet.session.RpcSession} (id, owner, epoch, versioned
 * attributes with a bounded change log for catch-up, a bounded cache of recent responses for safe replay,
 * idle expiry), {@link io.rpcnet.session.SessionManager} (create, find, expire, export and import of
 * {@link io.rpcnet.session.SessionState}) and signed resume tokens ({@link io.rpcnet.session.SessionTokens}).
 *
 * <p>Use with a server: build it with {@code RpcServer.builder().sessions(manager)}. A handler opens a
 * session with {@link io.rpcnet.session.SessionManager#create()} and returns its id <em>in its response</em>
 * (e.g. {@code String openSession()}); the client then sends the id with every call of the session
 * ({@code CallOptions.withSessionId(id)}), and handlers reach it with
 * {@link io.rpcnet.session.RpcSession#current()} while they run (capture it before going asynchronous). A
 * service method may instead (or also) declare one {@code RpcSession} parameter, anywhere in its parameter list
 * (e.g. {@code long increment(RpcSession session)}): it is not part of the wire message, client proxies ignore
 * what their caller passes there (pass {@code null}), and the server passes the session the call runs in, the
 * same as {@code current()}, or {@code null} for a call without a session id. A call
 * with an id the manager does not hold fails with {@code SESSION_LOST}; a call without an id runs without a
 * session. The caller schedules {@link io.rpcnet.session.SessionManager#sweepExpired()}.
 *
 * <p>During a migration the manager also knows sessions that are {@linkplain
 * io.rpcnet.session.SessionManager#detached staged} (not served yet), {@linkplain
 * io.rpcnet.session.SessionManager#freeze frozen} (calls refused with {@code UNAVAILABLE}, not processed) and
 * {@linkplain io.rpcnet.session.SessionManager#handOver handed over} (calls answered {@link
 * io.rpcnet.session.Moved MOVED} for a grace period).
 *
 * <p>No Spring, no transport types: the server reaches this package, never the other way round, and the
 * migration package maps {@link io.rpcnet.session.SessionState} to its own snapshot model.
 */
package io.rpcnet.session;
