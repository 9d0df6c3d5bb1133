package io.rpcnet.session;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * State a worker holds for one client: typed attributes (stored encoded through a {@link SessionValueCodec}
 * so the session can be snapshotted at any time), a version bumped by every change with a bounded log of
 * recent changes for migration catch-up, a bounded cache of recent responses by call id (a replayed call is
 * answered from it, not executed twice), idle expiry and close. Created and owned by a {@link SessionManager}.
 *
 * <p>A handler reaches the session of the call it serves with {@link #current()}. Thread-safe: concurrent
 * calls of one session may read and write it at the same time.
 */
public final class RpcSession {

    private static final ThreadLocal<RpcSession> CURRENT = new ThreadLocal<>();

    private final String id;
    private final String ownerWorkerId;
    private final long epoch;
    private final Instant createdAt;
    private final SessionManager.Settings settings;
    private final Consumer<RpcSession> onClose;

    private final Map<String, SessionBytes> attributes = new HashMap<>();
    private final ArrayDeque<SessionChange> log = new ArrayDeque<>();
    private final LinkedHashMap<Long, SessionBytes> responses = new LinkedHashMap<>();
    private long version;
    private volatile long lastAccessMillis;
    private volatile boolean closed;
    private volatile boolean frozen;

    RpcSession(String id, String ownerWorkerId, long epoch, SessionManager.Settings settings,
               Consumer<RpcSession> onClose) {
        this.id = Objects.requireNonNull(id, "id");
        this.ownerWorkerId = Objects.requireNonNull(ownerWorkerId, "ownerWorkerId");
        this.epoch = epoch;
        this.settings = settings;
        this.onClose = onClose;
        this.createdAt = settings.clock().instant();
        this.lastAccessMillis = createdAt.toEpochMilli();
    }

    /** A session restored from exported state (on the migration target). */
    static RpcSession restore(SessionState state, String ownerWorkerId, SessionManager.Settings settings,
                              Consumer<RpcSession> onClose) {
        RpcSession s = new RpcSession(state.sessionId(), ownerWorkerId, state.epoch(), settings, onClose);
        s.attributes.putAll(state.attributes());
        state.cachedResponses().forEach(s::storeResponse);
        s.version = state.version();
        return s;
    }

    /** The session of the call the current thread is serving, or {@code null} (no session, or not in a handler). */
    public static RpcSession current() {
        return CURRENT.get();
    }

    /** Like {@link #current()}, but a call without a session is an error. */
    public static RpcSession require() {
        RpcSession s = CURRENT.get();
        if (s == null) {
            throw new IllegalStateException("this call has no session: open one and send its id with the call "
                    + "(RpcProxies.withSession or CallOptions.withSessionId)");
        }
        return s;
    }

    /**
     * Makes this the {@linkplain #current() current} session of this thread until the returned scope is
     * closed (which restores the previous one). The server does this around every handler of a session's call.
     */
    public Scope enter() {
        RpcSession previous = CURRENT.get();
        CURRENT.set(this);
        return new Scope(previous);
    }

    /** 128-bit random, URL-safe (22 characters of base64url). */
    public String id() {
        return id;
    }

    /** The worker that holds the session. */
    public String ownerWorkerId() {
        return ownerWorkerId;
    }

    /** Ownership epoch: bumped each time the session moves, so a stale owner is fenced. */
    public long epoch() {
        return epoch;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The number of changes applied so far (attributes and cached responses). */
    public synchronized long version() {
        return version;
    }

    public Instant lastAccess() {
        return Instant.ofEpochMilli(lastAccessMillis);
    }

    /** Records an access now; the idle timeout counts from the last access. */
    public void touch() {
        lastAccessMillis = settings.clock().millis();
    }

    /**
     * Whether the session has been idle for at least the idle timeout at {@code now}. A
     * {@linkplain #isFrozen() frozen} session never expires: its state is on its way to another worker.
     */
    public boolean isExpired(Instant now) {
        Duration idle = settings.idleTimeout();
        return !frozen && !idle.isZero() && now.toEpochMilli() - lastAccessMillis >= idle.toMillis();
    }

    /**
     * Whether the session is frozen for a migration ({@link SessionManager#freeze}): still held, but the
     * server refuses its calls (UNAVAILABLE, not processed) until it is unfrozen or handed over.
     */
    public boolean isFrozen() {
        return frozen;
    }

    /**
     * Synchronized with the writers: a change either lands before the freeze (and so in the final delta a
     * migration takes after it) or is refused.
     */
    synchronized void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes the session and removes it from its manager; further use throws. Idempotent. */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            attributes.clear();
            log.clear();
            responses.clear();
        }
        onClose.accept(this);
    }

    /** The value of attribute {@code name} decoded as {@code type}, or {@code null} if it is not set. */
    public <T> T get(String name, Class<T> type) {
        return get(name, (Type) type);
    }

    /** The value of attribute {@code name} decoded as a generic {@code type}, or {@code null}. */
    public <T> T get(String name, Type type) {
        SessionBytes bytes = attribute(name);
        return bytes == null ? null : settings.codec().decode(bytes.unsafeArray(), type);
    }

    /** The value of {@code name}, or {@code fallback} when it is not set. */
    public <T> T getOrDefault(String name, Class<T> type, T fallback) {
        T value = get(name, type);
        return value == null ? fallback : value;
    }

    /** The encoded value of attribute {@code name}, or {@code null}. */
    public synchronized SessionBytes attribute(String name) {
        ensureOpen();
        return attributes.get(Objects.requireNonNull(name, "name"));
    }

    public synchronized boolean contains(String name) {
        ensureOpen();
        return attributes.containsKey(name);
    }

    /** The attribute names, sorted (a copy). */
    public synchronized Set<String> attributeNames() {
        ensureOpen();
        return Collections.unmodifiableSet(new TreeSet<>(attributes.keySet()));
    }

    /** Sets attribute {@code name} to {@code value} (encoded now); returns the new version. */
    public long put(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value (use remove to clear an attribute)");
        SessionBytes encoded = SessionBytes.owning(settings.codec().encode(value));
        synchronized (this) {
            ensureWritable();
            attributes.put(name, encoded);
            return record(new SessionChange.Put(version + 1, name, encoded));
        }
    }

    /** Removes attribute {@code name}; returns whether it was set (only then the version moves). */
    public synchronized boolean remove(String name) {
        Objects.requireNonNull(name, "name");
        ensureWritable();
        if (attributes.remove(name) == null) {
            return false;
        }
        record(new SessionChange.Remove(version + 1, name));
        return true;
    }

    /** The cached response of call {@code callId}, if it is still in the cache. */
    public synchronized Optional<byte[]> cachedResponse(long callId) {
        ensureOpen();
        SessionBytes r = responses.get(callId);
        return r == null ? Optional.empty() : Optional.of(r.toByteArray());
    }

    /**
     * Caches the encoded {@code response} of call {@code callId} so a replay of the call is answered from
     * here; the oldest entry is evicted beyond the cache bound. Returns the new version.
     */
    public long cacheResponse(long callId, byte[] response) {
        SessionBytes copy = SessionBytes.copyOf(response);
        synchronized (this) {
            ensureWritable();
            storeResponse(callId, copy);
            return record(new SessionChange.ResponseCached(version + 1, callId, copy));
        }
    }

    /** How many responses are cached now. */
    public synchronized int cachedResponses() {
        return responses.size();
    }

    /**
     * The changes after {@code fromVersion}, in order; {@linkplain SessionDelta#truncated() truncated} when
     * the bounded log no longer reaches back that far (then ship a full {@link #state()} instead).
     */
    public synchronized SessionDelta changesSince(long fromVersion) {
        ensureOpen();
        if (fromVersion < 0 || fromVersion > version) {
            throw new IllegalArgumentException("version " + fromVersion + " is outside 0.." + version
                    + " of session " + id);
        }
        long missing = version - fromVersion;
        if (missing > log.size()) {
            return new SessionDelta(id, fromVersion, version, true, List.of());
        }
        List<SessionChange> out = new ArrayList<>((int) missing);
        int skip = (int) (log.size() - missing);
        int i = 0;
        for (SessionChange c : log) {
            if (i++ >= skip) {
                out.add(c);
            }
        }
        return new SessionDelta(id, fromVersion, version, false, out);
    }

    /**
     * Applies a delta taken on the previous owner (catch-up on the migration target). The delta must start
     * at this session's version; a truncated or non-contiguous delta is refused and nothing is applied.
     */
    public synchronized void apply(SessionDelta delta) {
        ensureOpen();
        if (!delta.sessionId().equals(id)) {
            throw new IllegalArgumentException("delta of session " + delta.sessionId() + " applied to " + id);
        }
        if (delta.truncated()) {
            throw new IllegalArgumentException("a truncated delta cannot be applied: import a full state");
        }
        if (delta.fromVersion() != version) {
            throw new IllegalStateException("delta starts at version " + delta.fromVersion() + " but session " + id
                    + " is at " + version);
        }
        for (SessionChange c : delta.changes()) {
            if (c instanceof SessionChange.Put p) {
                attributes.put(p.name(), p.value());
            } else if (c instanceof SessionChange.Remove r) {
                attributes.remove(r.name());
            } else if (c instanceof SessionChange.ResponseCached rc) {
                storeResponse(rc.callId(), rc.response());
            }
            record(c);
        }
    }

    /** The whole state at one version, as plain data (the base copy of a migration). */
    public synchronized SessionState state() {
        ensureOpen();
        return new SessionState(id, ownerWorkerId, epoch, version, attributes, responses);
    }

    private long record(SessionChange change) {
        version = change.version();
        log.addLast(change);
        while (log.size() > settings.maxChangeLog()) {
            log.removeFirst();
        }
        lastAccessMillis = settings.clock().millis();
        return version;
    }

    private void storeResponse(long callId, SessionBytes response) {
        responses.remove(callId); // re-insert at the young end
        responses.put(callId, response);
        while (responses.size() > settings.maxCachedResponses()) {
            Long eldest = responses.keySet().iterator().next();
            responses.remove(eldest);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("session " + id + " is closed");
        }
    }

    /**
     * A frozen session's state is on its way to another worker: a change now (e.g. from a streaming handler the
     * director interrupted for the move) would be lost with the old copy, so it is refused instead.
     */
    private void ensureWritable() {
        ensureOpen();
        if (frozen) {
            throw new IllegalStateException("session " + id + " is frozen for a migration: its state is moving to"
                    + " another worker, changes are refused");
        }
    }

    @Override
    public String toString() {
        return "RpcSession[" + id + ", owner=" + ownerWorkerId + ", epoch=" + epoch + ", frozen=" + frozen
                + ", closed=" + closed + "]";
    }

    /** The extent of {@link #enter()}; closing it restores the previously current session. */
    public static final class Scope implements AutoCloseable {
        private final RpcSession previous;

        private Scope(RpcSession previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
