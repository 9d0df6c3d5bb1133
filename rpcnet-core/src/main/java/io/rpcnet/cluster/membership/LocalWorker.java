package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What a {@link WorkerMembershipAgent} announces about its own worker that changes while it runs: the
 * incarnation, the tags (with a version, so each {@link DirectorLink} knows whether it sent the latest) and the
 * load. Its own class because the agent's lifecycle writes it and every director link reads it.
 */
final class LocalWorker {

    /** Same logger as the agent, so one category covers the whole worker side of the membership. */
    private static final Logger log = LoggerFactory.getLogger(WorkerMembershipAgent.class);

    private final MemberId id;
    private final String address;
    private final Supplier<MemberLoad> load;
    private final AtomicLong incarnation;
    private final AtomicInteger tagsVersion = new AtomicInteger();
    private volatile Map<String, String> tags;

    LocalWorker(WorkerAgentConfig config) {
        this.id = config.memberId();
        this.address = config.address();
        this.tags = config.tags();
        this.load = config.load();
        this.incarnation = new AtomicLong(config.incarnation());
    }

    MemberId id() {
        return id;
    }

    String address() {
        return address;
    }

    long incarnation() {
        return incarnation.get();
    }

    /** Raises the incarnation above {@code seen} unless that already happened; returns the current one. */
    long raiseIncarnation(long seen) {
        return incarnation.updateAndGet(current -> current > seen ? current
                : Math.max(current + 1, System.currentTimeMillis()));
    }

    Map<String, String> tags() {
        return tags;
    }

    int tagsVersion() {
        return tagsVersion.get();
    }

    /** Replaces the tags (already checked and copied) and returns their new version. */
    int replaceTags(Map<String, String> checked) {
        tags = checked;
        return tagsVersion.incrementAndGet();
    }

    /** The load to report now; {@link MemberLoad#ZERO} if the supplier fails or returns null. */
    MemberLoad currentLoad() {
        try {
            MemberLoad l = load.get();
            return l == null ? MemberLoad.ZERO : l;
        } catch (RuntimeException e) {
            log.debug("load supplier of '{}' failed", id, e);
            return MemberLoad.ZERO;
        }
    }
}
