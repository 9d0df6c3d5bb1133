package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.balance.Candidates;

/** The selectable (ALIVE, uncordoned) members matching one filter, as fixed when that set last changed. */
final class CandidateSet implements Candidates {

    private final MemberEntry[] entries;
    private final int[] weights;
    private final boolean uniform;

    CandidateSet(MemberEntry[] entries) {
        this.entries = entries;
        this.weights = new int[entries.length];
        boolean same = true;
        for (int i = 0; i < entries.length; i++) {
            weights[i] = entries[i].member.weight();
            same &= weights[i] == weights[0];
        }
        this.uniform = same;
    }

    @Override
    public int size() {
        return entries.length;
    }

    @Override
    public Member member(int index) {
        return entries[index].member;
    }

    @Override
    public int weight(int index) {
        return weights[index];
    }

    @Override
    public long load(int index) {
        return entries[index].effectiveLoad();
    }

    @Override
    public boolean uniformWeights() {
        return uniform;
    }
}
