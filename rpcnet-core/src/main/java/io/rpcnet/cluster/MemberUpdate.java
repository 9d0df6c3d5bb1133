package io.rpcnet.cluster;

import java.util.Map;
import java.util.Objects;

/**
 * What a worker announces about itself in a join or full heartbeat: the input of
 * {@code WorkerRegistry.upsert}. The membership transport decodes its wire message into one of these.
 *
 * @param id          stable identity
 * @param address     {@code host:port} of the worker's RPC endpoint
 * @param tags        the worker's complete tag set (replaces the previous one)
 * @param incarnation the sender's incarnation; lower than the registry's is stale and ignored
 * @param weight      relative capacity, {@link Member#MIN_WEIGHT}..{@link Member#MAX_WEIGHT}
 * @param load        current load
 */
public record MemberUpdate(MemberId id, String address, Map<String, String> tags, long incarnation, int weight,
                           MemberLoad load) {

    public MemberUpdate {
        Objects.requireNonNull(id, "id");
        Member.requireHostPort(address);
        tags = Tags.copyOf(tags);
        if (incarnation < 0) {
            throw new IllegalArgumentException("incarnation must not be negative: " + incarnation);
        }
        Member.requireWeight(weight);
        Objects.requireNonNull(load, "load");
    }

    /** A builder with no tags, incarnation 0, weight {@value Member#DEFAULT_WEIGHT} and no load. */
    public static Builder builder(String id, String address) {
        return new Builder(MemberId.of(id), address);
    }

    /** A builder with no tags, incarnation 0, weight {@value Member#DEFAULT_WEIGHT} and no load. */
    public static Builder builder(MemberId id, String address) {
        return new Builder(id, address);
    }

    /** A builder starting from this update. */
    public Builder toBuilder() {
        return new Builder(id, address).tags(tags).incarnation(incarnation).weight(weight).load(load);
    }

    /** Builds a {@link MemberUpdate}; only id and address are required. */
    public static final class Builder {
        private final MemberId id;
        private final String address;
        private Map<String, String> tags = Map.of();
        private long incarnation;
        private int weight = Member.DEFAULT_WEIGHT;
        private MemberLoad load = MemberLoad.ZERO;

        private Builder(MemberId id, String address) {
            this.id = id;
            this.address = address;
        }

        public Builder tags(Map<String, String> tags) {
            this.tags = tags;
            return this;
        }

        public Builder incarnation(long incarnation) {
            this.incarnation = incarnation;
            return this;
        }

        public Builder weight(int weight) {
            this.weight = weight;
            return this;
        }

        public Builder load(MemberLoad load) {
            this.load = load;
            return this;
        }

        public MemberUpdate build() {
            return new MemberUpdate(id, address, tags, incarnation, weight, load);
        }
    }
}
