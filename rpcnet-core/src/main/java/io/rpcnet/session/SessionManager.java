package io.rpcnet.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sessions one worker holds: create, find, remove, idle expiry ({@link #sweepExpired()}, driven by the
 * caller's scheduler with the injected {@link Clock}), and export / import of {@link SessionState} for a
 * migration. Thread-safe. Give it to the server with {@code RpcServer.Builder.sessions(manager)}.
 */
public final class SessionManager {

    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final String workerId;
    private final Settings settings;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, RpcSession> sessions = new ConcurrentHashMap<>();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong imported = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong removed = new AtomicLong();
    /** The recorder of the call this thread is serving, if the server asked for one ({@link #recordCreations()}). */
    private final ThreadLocal<Creations> recorder = new ThreadLocal<>();

    private SessionManager(Builder b) {
        this.workerId = b.workerId;
        this.settings = new Settings(b.clock, b.idleTimeout, b.maxChangeLog, b.maxCachedResponses, b.codec);
    }

    /** A builder for the manager of worker {@code workerId}. */
    public static Builder builder(String workerId) {
        return new Builder(workerId);
    }

    /** The worker that owns the sessions created or imported here. */
    public String workerId() {
        return workerId;
    }

    /** A new session (epoch 1, version 0) owned by this worker. Send its {@link RpcSession#id()} to the client. */
    public RpcSession create() {
        while (true) {
            RpcSession s = new RpcSession(newId(), workerId, 1, settings, this::closed);
            if (sessions.putIfAbsent(s.id(), s) == null) {
                created.incrementAndGet();
                Creations r = recorder.get();
                if (r != null) {
                    r.sessions.add(s);
                }
                return s;
            }
        }
    }

    /**
     * Records the sessions this thread {@linkplain #create() creates} until the returned scope is closed
     * (which restores the previous recorder, if any). The server does this around every handler so that it
     * can announce the sessions a call opened in that call's STATUS trailers (see {@code PROTOCOL.md}).
     */
    public Creations recordCreations() {
        Creations r = new Creations(recorder.get());
        recorder.set(r);
        return r;
    }

    /** The live session {@code id}; an idle-expired one is closed and not returned. */
    public Optional<RpcSession> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        RpcSession s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (s.isExpired(settings.clock().instant())) {
            expire(s);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Closes and removes session {@code id}; returns whether it was held. */
    public boolean remove(String id) {
        RpcSession s = sessions.get(id);
        if (s == null) {
            return false;
        }
        s.close();
        return true;
    }

    /** Closes every session idle for at least the idle timeout; returns how many. */
    public int sweepExpired() {
        Instant now = settings.clock().instant();
        int n = 0;
        for (RpcSession s : sessions.values()) {
            if (s.isExpired(now) && expire(s)) {
                n++;
            }
        }
        return n;
    }

    /** Closes every session (worker shutdown after a drain). */
    public void closeAll() {
        sessions.values().forEach(RpcSession::close);
    }

    /** How many sessions are held now. */
    public int activeSessions() {
        return sessions.size();
    }

    /** The ids of the sessions held now, sorted (a copy). */
    public Set<String> sessionIds() {
        return Collections.unmodifiableSet(new TreeSet<>(sessions.keySet()));
    }

    public SessionStats stats() {
        return new SessionStats(sessions.size(), created.get(), imported.get(), expired.get(), removed.get());
    }

    /** The whole state of session {@code id} at one version, for a migration's base copy. */
    public Optional<SessionState> exportState(String id) {
        return find(id).map(RpcSession::state);
    }

    /**
     * Takes over a session from exported state (on the migration target): the session is held here, owned
     * by this worker, at the state's epoch and version. State of a lower epoch than a session already held
     * under that id is refused with {@link StaleEpochException}; an equal or higher epoch replaces it (so a
     * retried import is harmless).
     */
    public RpcSession importState(SessionState state) {
        Objects.requireNonNull(state, "state");
        RpcSession fresh = RpcSession.restore(state, workerId, settings, this::closed);
        RpcSession[] replaced = new RpcSession[1];
        sessions.compute(state.sessionId(), (id, existing) -> {
            if (existing != null && existing.epoch() > state.epoch()) {
                throw new StaleEpochException(id, state.epoch(), existing.epoch());
            }
            replaced[0] = existing;
            return fresh;
        });
        imported.incrementAndGet();
        if (replaced[0] != null) {
            removed.incrementAndGet();
            replaced[0].close(); // its close callback leaves the new mapping alone
        }
        return fresh;
    }

    @Override
    public String toString() {
        return "SessionManager[worker=" + workerId + ", active=" + sessions.size() + "]";
    }

    private boolean expire(RpcSession s) {
        if (!sessions.remove(s.id(), s)) {
            return false; // someone else closed, expired or replaced it
        }
        expired.incrementAndGet();
        s.close(); // its close callback finds no mapping and counts nothing
        return true;
    }

    private void closed(RpcSession s) {
        if (sessions.remove(s.id(), s)) {
            removed.incrementAndGet();
        }
    }

    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return ID_ENCODER.encodeToString(bytes);
    }

    /** The sessions created on one thread while it served one call; see {@link #recordCreations()}. */
    public final class Creations implements AutoCloseable {
        private final Creations previous;
        private final List<RpcSession> sessions = new ArrayList<>(1);

        private Creations(Creations previous) {
            this.previous = previous;
        }

        /** The sessions created so far, oldest first (a copy). */
        public List<RpcSession> sessions() {
            return List.copyOf(sessions);
        }

        /** Stops recording on this thread. */
        @Override
        public void close() {
            if (previous == null) {
                recorder.remove();
            } else {
                recorder.set(previous);
            }
        }
    }

    /** What every session of one manager shares. */
    record Settings(Clock clock, Duration idleTimeout, int maxChangeLog, int maxCachedResponses,
                    SessionValueCodec codec) {
    }

    /** Configuration of a {@link SessionManager}. */
    public static final class Builder {
        private final String workerId;
        private Clock clock = Clock.systemUTC();
        private Duration idleTimeout = Duration.ofMinutes(30);
        private int maxChangeLog = 1024;
        private int maxCachedResponses = 64;
        private SessionValueCodec codec = SessionValueCodec.json();

        private Builder(String workerId) {
            Objects.requireNonNull(workerId, "workerId");
            if (workerId.isBlank()) {
                throw new IllegalArgumentException("workerId must not be blank");
            }
            this.workerId = workerId;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long a session may go without a call before it expires; zero = never. Default 30 min. */
        public Builder idleTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must be >= 0, got " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** How many recent changes each session keeps for catch-up (default 1024). */
        public Builder maxChangeLog(int changes) {
            if (changes < 0) {
                throw new IllegalArgumentException("maxChangeLog must be >= 0, got " + changes);
            }
            this.maxChangeLog = changes;
            return this;
        }

        /** How many recent responses each session keeps for replay (default 64). */
        public Builder maxCachedResponses(int responses) {
            if (responses < 0) {
                throw new IllegalArgumentException("maxCachedResponses must be >= 0, got " + responses);
            }
            this.maxCachedResponses = responses;
            return this;
        }

        /** How attribute values are encoded (default JSON through Jackson). */
        public Builder codec(SessionValueCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        public SessionManager build() {
            return new SessionManager(this);
        }
    }
}
