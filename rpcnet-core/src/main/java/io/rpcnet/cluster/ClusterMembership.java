package io.rpcnet.cluster;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * SPI of a membership engine: how this node enters, describes itself to and leaves the cluster, plus the
 * {@link ClusterView} of everyone else. The embedded default joins the directors named in the seeds over
 * the QUIC control stream and feeds their {@code WorkerRegistry}; other engines (a Spring Cloud
 * {@code DiscoveryClient}, a SWIM implementation) can plug in behind the same contract.
 */
public interface ClusterMembership extends ClusterView, AutoCloseable {

    /** This node's identity. */
    MemberId localMember();

    /** Starts announcing this node; completes once at least one peer (a director) accepted it. */
    CompletionStage<Void> join();

    /** Replaces this node's tags; peers see a {@link ClusterEvent.Type#TAGS_UPDATED}. */
    CompletionStage<Void> updateTags(Map<String, String> tags);

    /** Leaves gracefully: peers see {@link ClusterEvent.Type#LEFT} instead of waiting for failure detection. */
    CompletionStage<Void> leave();

    /** Stops the engine; leaves first if still joined. */
    @Override
    void close();
}
