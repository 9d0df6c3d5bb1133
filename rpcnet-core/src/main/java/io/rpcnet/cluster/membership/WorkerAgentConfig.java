package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.Tags;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.TransportSettings;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The checked configuration of a {@link WorkerMembershipAgent} with its defaults filled in. It exists so the
 * public {@link WorkerMembershipAgent.Builder} stays a list of setters and the agent's parts ({@link LocalWorker},
 * {@link DirectorLinks}, {@link DirectorLink}) read one immutable value.
 *
 * <p>Made by {@code Builder.build()}: a {@code null} {@code heartbeatTimeout} or {@code transport}, and a negative
 * {@code incarnation}, mean "default" (80 % of the interval; small single-lane settings; the current time in ms).
 */
record WorkerAgentConfig(MemberId memberId, String address, Map<String, String> tags, int weight,
                         List<String> seeds, byte[] secret, ClientTls tls, TransportSettings transport,
                         Duration heartbeatInterval, Duration heartbeatTimeout, Duration joinTimeout,
                         Duration maxBackoff, Supplier<MemberLoad> load, long incarnation) {

    WorkerAgentConfig {
        if (memberId == null || address == null) {
            throw new IllegalStateException("set memberId(...) and advertisedAddress(host:port)");
        }
        if (seeds.isEmpty()) {
            throw new IllegalStateException("set at least one seed (director host:port)");
        }
        if (tls == null) {
            throw new IllegalStateException("set tls(ClientTls...): membership runs over TLS only");
        }
        if (heartbeatTimeout != null && heartbeatTimeout.compareTo(heartbeatInterval) >= 0) {
            throw new IllegalStateException("heartbeatTimeout (" + heartbeatTimeout.toMillis()
                    + " ms) must be shorter than heartbeatInterval (" + heartbeatInterval.toMillis() + " ms)");
        }
        if (seeds.stream().distinct().count() != seeds.size()) {
            throw new IllegalStateException("seeds repeat an address: " + seeds);
        }
        // validates id, address, tags and weight the way the director will
        MemberUpdate.builder(memberId, address).tags(tags).weight(weight).build();
        tags = Tags.copyOf(tags);
        seeds = List.copyOf(seeds);
        incarnation = incarnation >= 0 ? incarnation : System.currentTimeMillis();
        heartbeatTimeout = heartbeatTimeout != null ? heartbeatTimeout
                : Duration.ofNanos(heartbeatInterval.toNanos() * 4 / 5);
        transport = transport != null ? transport : defaultTransport(heartbeatInterval, joinTimeout);
    }

    private static TransportSettings defaultTransport(Duration interval, Duration joinTimeout) {
        Duration idle = Duration.ofMillis(Math.max(5_000, interval.toMillis() * 10));
        return TransportSettings.builder()
                .lanes(1)
                .eventLoopThreads(1)
                .maxMessageSize(1024 * 1024)
                .streamWindow(1024 * 1024)
                .connectionWindow(2 * 1024 * 1024)
                .maxStreams(64)
                .socketBufferSize(256 * 1024)
                .idleTimeout(idle)                 // a director that vanished is noticed within this
                .keepAliveInterval(Duration.ZERO)  // heartbeats keep the connection busy
                .handshakeTimeout(joinTimeout)
                .build();
    }
}
