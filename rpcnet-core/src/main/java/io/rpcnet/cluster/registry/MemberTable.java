package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The registry's member records, kept twice: in id order (iteration, snapshots) and hashed (O(1) lookup on the
 * call path). Written only under the registry lock; read from anywhere.
 */
final class MemberTable {

    private final ConcurrentSkipListMap<MemberId, MemberEntry> ordered = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<MemberId, MemberEntry> index = new ConcurrentHashMap<>();

    MemberEntry get(MemberId id) {
        return index.get(id);
    }

    /** The member's entry; throws {@link IllegalArgumentException} if the member is not known. */
    MemberEntry require(MemberId id) {
        MemberEntry e = index.get(id);
        if (e == null) {
            throw new IllegalArgumentException("unknown cluster member: " + id);
        }
        return e;
    }

    void add(MemberEntry e) {
        ordered.put(e.id, e);
        index.put(e.id, e);
    }

    void forget(MemberId id) {
        ordered.remove(id);
        index.remove(id);
    }

    /** Every entry in id order. */
    Collection<MemberEntry> entries() {
        return ordered.values();
    }

    /** Snapshots of every member in id order. */
    List<Member> members() {
        List<Member> list = new ArrayList<>(ordered.size());
        for (MemberEntry e : ordered.values()) {
            list.add(e.member);
        }
        return list;
    }

    /** Snapshots of the known members among {@code ids}, in the order given. */
    List<Member> snapshots(Iterable<MemberId> ids) {
        List<Member> list = new ArrayList<>();
        for (MemberId id : ids) {
            MemberEntry e = index.get(id);
            if (e != null) {
                list.add(e.member);
            }
        }
        return list;
    }

    /** ALIVE + SUSPECT members: those the failure detector watches. */
    int monitoredCount() {
        int n = 0;
        for (MemberEntry e : ordered.values()) {
            if (e.status().isMonitored()) {
                n++;
            }
        }
        return n;
    }

    /** What selection may offer: ALIVE members that are not cordoned, in id order. */
    SelectionCache.AliveSet selectable() {
        List<MemberEntry> alive = new ArrayList<>();
        for (MemberEntry e : ordered.values()) {
            if (e.status() == MemberStatus.ALIVE && !e.cordoned) {
                alive.add(e);
            }
        }
        return new SelectionCache.AliveSet(alive.toArray(new MemberEntry[0]));
    }

    /** The cordoned members, in id order. */
    Set<MemberId> cordoned() {
        Set<MemberId> ids = new TreeSet<>();
        for (MemberEntry e : ordered.values()) {
            if (e.cordoned) {
                ids.add(e.id);
            }
        }
        return Collections.unmodifiableSet(ids);
    }
}
