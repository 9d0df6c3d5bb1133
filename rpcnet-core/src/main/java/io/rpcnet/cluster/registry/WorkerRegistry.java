package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEvent.Type;
import io.rpcnet.cluster.ClusterEventListener;
import io.rpcnet.cluster.ClusterView;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.NoWorkerAvailableException;
import io.rpcnet.cluster.Subscription;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.balance.LoadBalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The director's view of its workers: membership fed by the transport (joins, heartbeats, leaves), failure
 * detection, partition awareness, and load-balanced selection of a worker for a call or session.
 *
 * <h2>Membership rules</h2>
 * <ul>
 *   <li>A member first seen via {@link #upsert} is ALIVE ({@code JOINED}).</li>
 *   <li>A message with a lower incarnation than known is {@linkplain UpdateResult#STALE stale} and ignored.</li>
 *   <li>Same incarnation: a heartbeat refreshes an ALIVE member and brings a SUSPECT one back
 *       ({@code RECOVERED}); changed tags, weight or address give {@code TAGS_UPDATED}. A FAILED or LEFT member
 *       is not revived by its old incarnation ({@link UpdateResult#REJOIN_REQUIRED}).</li>
 *   <li>Higher incarnation (a restart, or a refuted suspicion): FAILED or SUSPECT become ALIVE with
 *       {@code RECOVERED}, LEFT becomes ALIVE with {@code JOINED}. After FAILED or LEFT the failure detector
 *       starts afresh.</li>
 *   <li>{@link #evaluate(long)}, called periodically (every 100 ms is a good tick), moves ALIVE members to
 *       SUSPECT at {@code phi >= suspectPhi} and to FAILED at {@code phi >= threshold}; a member crossing both
 *       in one tick gets both events, SUSPECT first. It also forgets FAILED and LEFT members after their
 *       retention.</li>
 * </ul>
 * Each transition emits exactly one event. Events go to listeners in order, after the registry's lock is
 * released; state (including {@link #isPartitioned()}) is already updated when a listener sees the event.
 *
 * <h2>Selection</h2>
 * {@link #select(TagFilter)} picks among ALIVE members matching the filter with the configured
 * {@link LoadBalancer}; lock-free and allocation-free in the steady state (only the {@code Optional}).
 * {@linkplain #cordon Cordoned} members are left out (they stay ALIVE and monitored).
 * Count the work placed on the chosen member with {@link #loadTracker(MemberId)} so least-connections and
 * power-of-two-choices see it before the next heartbeat does.
 *
 * <p>Thread-safe. All times are monotonic nanoseconds passed by the caller ({@code System.nanoTime()} in
 * production, a simulated clock in tests).
 */
public final class WorkerRegistry implements ClusterView {

    private final RegistryConfig config;
    private final Object lock = new Object();
    /** All known members; written under {@link #lock}. */
    private final MemberTable table = new MemberTable();
    private final SelectionCache selection;
    private final PartitionTracker partition;
    private final EventDispatcher events = new EventDispatcher();
    private final long failedRetentionNanos;
    private final long leftRetentionNanos;

    public WorkerRegistry(RegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.selection = new SelectionCache(config.balancer());
        this.partition = new PartitionTracker(config.partitionFraction(), config.partitionWindow().toNanos(),
                config.partitionMinFailures());
        this.failedRetentionNanos = config.failedRetention().toNanos();
        this.leftRetentionNanos = config.leftRetention().toNanos();
    }

    /** A registry with {@link RegistryConfig#DEFAULT}. */
    public WorkerRegistry() {
        this(RegistryConfig.DEFAULT);
    }

    public RegistryConfig config() {
        return config;
    }

    /** Name of the balancing strategy in use, for Actuator. */
    public String strategyName() {
        return config.balancer().name();
    }

    // ---- membership input ---------------------------------------------------------------------------

    /** Applies a join or full heartbeat received at {@code nowNanos}. */
    public UpdateResult upsert(MemberUpdate update, long nowNanos) {
        Objects.requireNonNull(update, "update");
        UpdateResult result;
        synchronized (lock) {
            result = applyUpsert(update, nowNanos);
        }
        events.drain();
        return result;
    }

    /**
     * Applies a load-only heartbeat for the member's current incarnation. Returns
     * {@link UpdateResult#UNKNOWN_MEMBER} if the member or this (newer) incarnation is unknown: the worker
     * should then send a full {@link MemberUpdate}.
     */
    public UpdateResult heartbeat(MemberId id, long incarnation, MemberLoad load, long nowNanos) {
        Objects.requireNonNull(load, "load");
        UpdateResult result;
        synchronized (lock) {
            MemberEntry e = table.get(id);
            if (e == null || incarnation > e.member.incarnation()) {
                result = UpdateResult.UNKNOWN_MEMBER;
            } else {
                Member m = e.member;
                result = applyUpsert(new MemberUpdate(id, m.address(), m.tags(), incarnation, m.weight(), load), nowNanos);
            }
        }
        events.drain();
        return result;
    }

    /** Graceful leave of the member's current incarnation (or an operator's removal). */
    public boolean markLeft(MemberId id, long nowNanos) {
        return markLeft(id, Long.MAX_VALUE, nowNanos);
    }

    /**
     * Graceful leave announced by {@code incarnation}; ignored (returns false) if the member is unknown,
     * already LEFT, or known with a higher incarnation (a leave from an older process).
     */
    public boolean markLeft(MemberId id, long incarnation, long nowNanos) {
        boolean left = false;
        synchronized (lock) {
            MemberEntry e = table.get(id);
            if (e != null && e.status() != MemberStatus.LEFT && incarnation >= e.member.incarnation()) {
                MemberStatus before = e.status();
                emit(Type.LEFT, e.setStatus(MemberStatus.LEFT, 0.0, nowNanos), nowNanos);
                if (before == MemberStatus.FAILED) {
                    partition.onNoLongerFailed(id);
                } else {
                    republishAlive();
                }
                checkHealed(nowNanos);
                left = true;
            }
        }
        events.drain();
        return left;
    }

    /** Runs the failure detector for every monitored member and forgets expired FAILED/LEFT members. */
    public void evaluate(long nowNanos) {
        synchronized (lock) {
            List<MemberId> failed = null;
            boolean aliveChanged = false;
            for (MemberEntry e : table.entries()) {
                MemberStatus status = e.status();
                if (status.isMonitored()) {
                    double phi = e.detector.phi(nowNanos);
                    if (status == MemberStatus.ALIVE && phi >= config.suspectPhi()) {
                        emit(Type.SUSPECT, e.setStatus(MemberStatus.SUSPECT, phi, nowNanos), nowNanos);
                        aliveChanged = true;
                    }
                    if (phi >= config.detector().threshold()) {
                        emit(Type.FAILED, e.setStatus(MemberStatus.FAILED, phi, nowNanos), nowNanos);
                        failed = failed == null ? new ArrayList<>() : failed;
                        failed.add(e.id);
                    } else {
                        e.setStatus(e.status(), phi, nowNanos);
                    }
                } else {
                    long retention = status == MemberStatus.FAILED ? failedRetentionNanos : leftRetentionNanos;
                    if (nowNanos - e.statusSinceNanos >= retention) {
                        table.forget(e.id);
                        if (status == MemberStatus.FAILED) {
                            partition.onNoLongerFailed(e.id);
                        }
                    }
                }
            }
            if (aliveChanged) {
                republishAlive();
            }
            if (failed != null && partition.onFailed(failed, table.monitoredCount(), nowNanos)) {
                events.enqueue(ClusterEvent.partition(Type.PARTITION_DETECTED,
                        table.snapshots(partition.casualties()), nowNanos, config.clock().instant()));
            }
            checkHealed(nowNanos);
        }
        events.drain();
    }

    // ---- view ---------------------------------------------------------------------------------------

    @Override
    public List<Member> members() {
        return table.members();
    }

    @Override
    public Optional<Member> member(MemberId id) {
        MemberEntry e = table.get(id);
        return e == null ? Optional.empty() : Optional.of(e.member);
    }

    /** ALIVE, uncordoned members matching {@code filter}, ordered by id: what {@link #select} chooses from. */
    public List<Member> alive(TagFilter filter) {
        List<Member> list = new ArrayList<>();
        for (MemberEntry e : selection.alive().entries()) {
            Member m = e.member;
            if (filter.matches(m.tags())) {
                list.add(m);
            }
        }
        return list;
    }

    @Override
    public boolean isPartitioned() {
        return partition.isPartitioned();
    }

    @Override
    public Subscription subscribe(ClusterEventListener listener) {
        return events.subscribe(listener);
    }

    // ---- selection and load -------------------------------------------------------------------------

    /** An ALIVE member matching {@code filter} chosen by the configured strategy, or empty if none matches. */
    public Optional<Member> select(TagFilter filter) {
        SelectionCache.Prepared p = selection.prepared(filter);
        return p.selector() == null ? Optional.empty() : Optional.of(p.candidates().member(p.selector().select()));
    }

    /**
     * Like {@link #select} but throws {@link NoWorkerAvailableException} (UNAVAILABLE, e.g. "no ALIVE worker
     * matches role=worker,zone=eu") when no member matches.
     */
    public Member require(TagFilter filter) {
        SelectionCache.Prepared p = selection.prepared(filter);
        if (p.selector() == null) {
            throw new NoWorkerAvailableException(filter);
        }
        return p.candidates().member(p.selector().select());
    }

    /**
     * The director's live counters for a known member (the same tracker across incarnations until the
     * member is forgotten).
     *
     * @throws IllegalArgumentException if the member is not known
     */
    public LoadTracker loadTracker(MemberId id) {
        return table.require(id).tracker;
    }

    /** The load least-connections sees for a member: last report corrected by live counters; -1 if unknown. */
    public long effectiveLoad(MemberId id) {
        MemberEntry e = table.get(id);
        return e == null ? -1 : e.effectiveLoad();
    }

    // ---- cordon -------------------------------------------------------------------------------------

    /**
     * Cordons a member: it stays ALIVE and monitored, but {@link #select}, {@link #require} and {@link #alive}
     * no longer offer it, so no new work lands on it (how a drain begins). The cordon ends with
     * {@link #uncordon}, or when the member comes back with a higher incarnation after FAILED or LEFT.
     *
     * @return whether the member was not cordoned already
     * @throws IllegalArgumentException if the member is not known
     */
    public boolean cordon(MemberId id) {
        synchronized (lock) {
            return setCordoned(table.require(id), true);
        }
    }

    /** Offers a cordoned member to selection again; returns whether it was cordoned (false if unknown). */
    public boolean uncordon(MemberId id) {
        synchronized (lock) {
            MemberEntry e = table.get(id);
            return e != null && setCordoned(e, false);
        }
    }

    /** Whether the member is known and cordoned. */
    public boolean isCordoned(MemberId id) {
        MemberEntry e = table.get(id);
        return e != null && e.cordoned;
    }

    /** The cordoned members, in id order. */
    public Set<MemberId> cordoned() {
        return table.cordoned();
    }

    private boolean setCordoned(MemberEntry e, boolean cordoned) {
        if (e.cordoned == cordoned) {
            return false;
        }
        e.cordoned = cordoned;
        republishAlive();
        return true;
    }

    // ---- internals (under lock) ---------------------------------------------------------------------

    private UpdateResult applyUpsert(MemberUpdate u, long now) {
        MemberEntry e = table.get(u.id());
        if (e == null) {
            e = new MemberEntry(u.id(), config.detector());
            e.detector.heartbeat(now);
            e.statusSinceNanos = now;
            e.member = snapshot(u, MemberStatus.ALIVE, now);
            e.recordLoad(u.load());
            table.add(e);
            emit(Type.JOINED, e.member, now);
            republishAlive();
            checkHealed(now);
            return UpdateResult.JOINED;
        }
        Member old = e.member;
        MemberStatus status = old.status();
        if (u.incarnation() < old.incarnation()) {
            return UpdateResult.STALE;
        }
        boolean newer = u.incarnation() > old.incarnation();
        if (!newer && !status.isMonitored()) {
            return UpdateResult.REJOIN_REQUIRED;
        }
        if (!status.isMonitored()) {
            e.detector.reset();
            e.cordoned = false; // a new incarnation after FAILED or LEFT starts afresh
        }
        e.detector.heartbeat(now);
        e.recordLoad(u.load());
        if (status != MemberStatus.ALIVE) {
            e.statusSinceNanos = now;
        }
        Member m = snapshot(u, MemberStatus.ALIVE, now);
        e.member = m;
        boolean metadataChanged = !old.tags().equals(m.tags()) || old.weight() != m.weight()
                || !old.address().equals(m.address());
        UpdateResult result = UpdateResult.UPDATED;
        switch (status) {
            case SUSPECT -> {
                emit(Type.RECOVERED, m, now);
                result = UpdateResult.RECOVERED;
            }
            case FAILED -> {
                emit(Type.RECOVERED, m, now);
                partition.onNoLongerFailed(u.id());
                result = UpdateResult.RECOVERED;
                metadataChanged = false;
            }
            case LEFT -> {
                emit(Type.JOINED, m, now);
                result = UpdateResult.JOINED;
                metadataChanged = false;
            }
            default -> {
            }
        }
        if (metadataChanged) {
            emit(Type.TAGS_UPDATED, m, now);
        }
        if (status != MemberStatus.ALIVE || metadataChanged) {
            republishAlive();
            checkHealed(now);
        }
        return result;
    }

    private Member snapshot(MemberUpdate u, MemberStatus status, long now) {
        return new Member(u.id(), u.address(), u.tags(), u.incarnation(), u.weight(), u.load(), status, now, 0.0);
    }

    private void emit(Type type, Member member, long now) {
        events.enqueue(ClusterEvent.of(type, member, now, config.clock().instant()));
    }

    private void republishAlive() {
        selection.publish(table.selectable());
    }

    private void checkHealed(long now) {
        if (partition.shouldHeal(table.monitoredCount())) {
            List<Member> stillFailed = table.snapshots(partition.casualties());
            partition.clear();
            events.enqueue(ClusterEvent.partition(Type.PARTITION_HEALED, stillFailed, now, config.clock().instant()));
        }
    }
}
