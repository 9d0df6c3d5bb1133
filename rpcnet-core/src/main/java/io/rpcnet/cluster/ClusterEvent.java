package io.rpcnet.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A change in cluster membership, delivered to {@link ClusterEventListener}s in the order the changes
 * happened. Member events carry the member's snapshot after the change; partition events carry no single
 * member but the list of members concerned.
 *
 * @param type     what happened
 * @param member   the member after the change; {@code null} for partition events
 * @param affected for {@link Type#PARTITION_DETECTED}: the members whose failure tripped detection; for
 *                 {@link Type#PARTITION_HEALED}: the members still FAILED at that moment (their sessions may
 *                 now be failed over); empty for member events
 * @param nanoTime monotonic time of the change, as passed to the registry
 * @param time     wall-clock time of the change, for display
 */
public record ClusterEvent(Type type, Member member, List<Member> affected, long nanoTime, Instant time) {

    /** Kinds of membership change. */
    public enum Type {
        /** A member was seen for the first time, or again after LEFT with a higher incarnation. */
        JOINED,
        /** A member's tags, weight or address changed. */
        TAGS_UPDATED,
        /** A member's heartbeats are late; it gets no new work until it recovers. */
        SUSPECT,
        /** A member was declared dead. Callers may fail its sessions over unless the registry is partitioned. */
        FAILED,
        /** A SUSPECT member's heartbeats resumed, or a FAILED member came back with a higher incarnation. */
        RECOVERED,
        /** A member left gracefully (or was removed by an operator). */
        LEFT,
        /** Too many members failed in a short window: likely a network partition, not a mass crash. */
        PARTITION_DETECTED,
        /** Enough members recovered (or were removed) that failures are individual again. */
        PARTITION_HEALED;

        public boolean isPartitionEvent() {
            return this == PARTITION_DETECTED || this == PARTITION_HEALED;
        }
    }

    public ClusterEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        affected = List.copyOf(affected);
        if (type.isPartitionEvent() != (member == null)) {
            throw new IllegalArgumentException(type + (member == null ? " needs a member" : " takes no member"));
        }
    }

    /** An event about one member. */
    public static ClusterEvent of(Type type, Member member, long nanoTime, Instant time) {
        return new ClusterEvent(type, Objects.requireNonNull(member, "member"), List.of(), nanoTime, time);
    }

    /** A partition event. */
    public static ClusterEvent partition(Type type, List<Member> affected, long nanoTime, Instant time) {
        return new ClusterEvent(type, null, affected, nanoTime, time);
    }

    /** The member's id, or {@code null} for partition events. */
    public MemberId memberId() {
        return member == null ? null : member.id();
    }

    @Override
    public String toString() {
        return member == null
                ? type.name() + affected.stream().map(m -> m.id().value()).toList()
                : type + "(" + member.id() + "#" + member.incarnation() + ")";
    }
}
