package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.MemberId;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides when failures look like a network partition rather than crashes. Mutated only under the registry
 * lock; {@link #isPartitioned()} may be read without it.
 *
 * <p>Detection: after a pass that failed members, let {@code r} be the members that became FAILED within the
 * window and are still FAILED, and {@code live} the ALIVE + SUSPECT members. A partition is detected when
 * {@code r >= minFailures} and {@code r > fraction * (live + r)}. Those {@code r} members, plus any that fail
 * while the partition lasts, are its casualties.
 *
 * <p>Healing: casualties leave the set when they recover, leave or are forgotten. The partition heals when
 * {@code c <= fraction * (live + c)} for the {@code c} casualties still FAILED, i.e. the failed fraction is no
 * longer above the threshold. New members joining count as live, so capacity added during a partition also
 * heals it.
 */
final class PartitionTracker {

    private record Failure(MemberId id, long nanos) {
    }

    private final double fraction;
    private final long windowNanos;
    private final int minFailures;
    private final ArrayDeque<Failure> recent = new ArrayDeque<>();
    private final Set<MemberId> casualties = new LinkedHashSet<>();
    private volatile boolean partitioned;

    PartitionTracker(double fraction, long windowNanos, int minFailures) {
        this.fraction = fraction;
        this.windowNanos = windowNanos;
        this.minFailures = minFailures;
    }

    boolean isPartitioned() {
        return partitioned;
    }

    /** Casualties still FAILED, in failure order. */
    Set<MemberId> casualties() {
        return casualties;
    }

    /** Records members that just became FAILED; returns true if this detects a partition. */
    boolean onFailed(List<MemberId> failed, int live, long nowNanos) {
        while (!recent.isEmpty() && nowNanos - recent.peekFirst().nanos() > windowNanos) {
            recent.pollFirst();
        }
        for (MemberId id : failed) {
            recent.addLast(new Failure(id, nowNanos));
        }
        if (partitioned) {
            casualties.addAll(failed);
            return false;
        }
        int r = recent.size();
        if (r >= minFailures && r > fraction * (live + r)) {
            partitioned = true;
            for (Failure f : recent) {
                casualties.add(f.id());
            }
            return true;
        }
        return false;
    }

    /** The member is no longer FAILED (recovered, left, or forgotten). */
    void onNoLongerFailed(MemberId id) {
        for (Iterator<Failure> it = recent.iterator(); it.hasNext(); ) {
            if (it.next().id().equals(id)) {
                it.remove();
            }
        }
        casualties.remove(id);
    }

    /** Returns true if the partition heals now; the caller reads {@link #casualties()} first, then calls {@link #clear()}. */
    boolean shouldHeal(int live) {
        int c = casualties.size();
        return partitioned && c <= fraction * (live + c);
    }

    void clear() {
        partitioned = false;
        casualties.clear();
    }
}
