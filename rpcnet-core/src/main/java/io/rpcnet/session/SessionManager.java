package io.rpcnet.session;

import io.rpcnet.cluster.MemberId;

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
 * caller's scheduler with the injected {@link Clock}), and the worker's side of a migration: export / import
 * of {@link SessionState}, {@linkplain #detached staged} sessions on the target, {@linkplain #freeze frozen}
 * sessions and {@linkplain #handOver hand-over} on the source. Thread-safe. Give it to the server with
 * {@code RpcServer.Builder.sessions(manager)}.
 */
public final class SessionManager {

    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final String workerId;
    private final Settings settings;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, RpcSession> sessions = new ConcurrentHashMap<>();
    private final MovedSessions moved;
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong imported = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong removed = new AtomicLong();
    /** The recorder of the call this thread is serving, if the server asked for one ({@link #recordCreations()}). */
    private final ThreadLocal<Creations> recorder = new ThreadLocal<>();

    private SessionManager(Builder b) {
        this.workerId = b.workerId;
        this.settings = new Settings(b.clock, b.idleTimeout, b.maxChangeLog, b.maxCachedResponses, b.codec);
        this.moved = new MovedSessions(b.clock, b.movedGrace, b.maxMovedSessions);
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

    /**
     * Closes every session idle for at least the idle timeout and forgets the {@linkplain #movedTo moves}
     * past their grace period; returns how many sessions it closed.
     */
    public int sweepExpired() {
        Instant now = settings.clock().instant();
        int n = 0;
        for (RpcSession s : sessions.values()) {
            if (s.isExpired(now) && expire(s)) {
                n++;
            }
        }
        moved.sweep();
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
     * retried import is harmless). A session this worker {@linkplain #handOver handed over} may come back:
     * state of a lower epoch than the one it moved at is refused the same way, otherwise the import ends the
     * MOVED answers for it.
     */
    public RpcSession importState(SessionState state) {
        Objects.requireNonNull(state, "state");
        MovedTo gone = moved.find(state.sessionId()).orElse(null);
        if (gone != null && state.epoch() < gone.epoch()) {
            throw new StaleEpochException(state.sessionId(), state.epoch(), gone.epoch());
        }
        RpcSession fresh = RpcSession.restore(state, workerId, settings, this::closed);
        RpcSession[] replaced = new RpcSession[1];
        sessions.compute(state.sessionId(), (id, existing) -> {
            if (existing != null && existing.epoch() > state.epoch()) {
                throw new StaleEpochException(id, state.epoch(), existing.epoch());
            }
            replaced[0] = existing;
            return fresh;
        });
        moved.forget(state.sessionId()); // after the session is held, so a call never finds neither
        imported.incrementAndGet();
        if (replaced[0] != null) {
            removed.incrementAndGet();
            replaced[0].close(); // its close callback leaves the new mapping alone
        }
        return fresh;
    }

    /**
     * A session restored from {@code state}, owned by this worker but <em>not</em> held by this manager: the
     * migration target stages it and brings it up to date with {@link RpcSession#apply}. Calls of it are
     * refused with SESSION_LOST until it is imported: to serve it at the migration's epoch, call
     * {@code importState(staged.state().withEpoch(newEpoch))} (values are shared, not copied; a lower epoch
     * than a session held or moved is refused), then close the staged one, which never affects held sessions.
     */
    public RpcSession detached(SessionState state) {
        Objects.requireNonNull(state, "state");
        return RpcSession.restore(state, workerId, settings, s -> { });
    }

    /**
     * Stops serving session {@code id} while it is being moved: it stays held (readable, exportable, and
     * exempt from idle expiry) but the server refuses its new calls with UNAVAILABLE marked not processed, so
     * a director may retry them once the move is settled. Calls already running are not stopped; the caller
     * lets them finish before it takes the final delta. Idempotent.
     *
     * @return whether the session is held (and now frozen)
     */
    public boolean freeze(String id) {
        return setFrozen(id, true);
    }

    /**
     * Serves session {@code id} again after an aborted move, with its state as it was; its idle time starts
     * over. Idempotent. Returns whether the session is held (and now not frozen).
     */
    public boolean unfreeze(String id) {
        return setFrozen(id, false);
    }

    /**
     * Gives up session {@code id} after {@code newOwner} took it over at {@code newEpoch}: remembers the move
     * for the {@linkplain Builder#movedGrace moved grace period} (calls of the session are answered MOVED,
     * naming the new owner; see {@link #movedTo}), then closes and removes the session. The move is
     * remembered even if the session is no longer held, so a retried hand-over is harmless.
     *
     * @return whether the session was held here
     * @throws IllegalArgumentException when {@code newOwner} is not a valid member id or is this worker, or
     *         {@code newEpoch} is not above the epoch the session is held at; nothing changes then
     */
    public boolean handOver(String id, String newOwner, long newEpoch) {
        Objects.requireNonNull(id, "id");
        MovedTo to = new MovedTo(MemberId.of(Objects.requireNonNull(newOwner, "newOwner")).value(), newEpoch);
        if (newOwner.equals(workerId)) {
            throw new IllegalArgumentException("session " + id + " cannot be handed over to this worker, " + workerId);
        }
        RpcSession s = sessions.get(id);
        if (s != null && newEpoch <= s.epoch()) {
            throw new IllegalArgumentException("session " + id + " is held at epoch " + s.epoch()
                    + "; a hand-over must move it to a higher epoch, got " + newEpoch);
        }
        moved.remember(id, to); // first, so a call never finds neither the session nor the move
        if (s != null) {
            s.close();
        }
        return s != null;
    }

    /** Where session {@code id} was {@linkplain #handOver handed over} to, during the moved grace period. */
    public Optional<MovedTo> movedTo(String id) {
        return id == null ? Optional.empty() : moved.find(id);
    }

    /** How many hand-overs are remembered now (bounded by {@link Builder#maxMovedSessions}). */
    public int movedSessions() {
        return moved.size();
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

    private boolean setFrozen(String id, boolean frozen) {
        Optional<RpcSession> s = find(id); // an expired session is not revived by freezing it
        s.ifPresent(session -> {
            session.touch();
            session.setFrozen(frozen);
        });
        return s.isPresent();
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
        private Duration movedGrace = Duration.ofSeconds(60);
        private int maxMovedSessions = 100_000;

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

        /**
         * How long a worker answers MOVED for a session it {@linkplain #handOver handed over}, measured with the
         * manager's clock; after that a call of it is SESSION_LOST. Zero = never answer MOVED. Default 60 s.
         */
        public Builder movedGrace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("movedGrace must be >= 0, got " + grace);
            }
            this.movedGrace = grace;
            return this;
        }

        /** How many hand-overs are remembered at most; the oldest is forgotten first (default 100 000). */
        public Builder maxMovedSessions(int sessions) {
            if (sessions < 0) {
                throw new IllegalArgumentException("maxMovedSessions must be >= 0, got " + sessions);
            }
            this.maxMovedSessions = sessions;
            return this;
        }

        public SessionManager build() {
            return new SessionManager(this);
        }
    }
}
