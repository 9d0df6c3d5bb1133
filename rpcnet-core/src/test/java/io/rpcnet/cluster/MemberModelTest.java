package io.rpcnet.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemberModelTest {

    @Test
    void builderAppliesDefaults() {
        MemberUpdate u = MemberUpdate.builder("w1", "10.0.0.1:7000").build();

        assertThat(u.id()).isEqualTo(MemberId.of("w1"));
        assertThat(u.weight()).isEqualTo(Member.DEFAULT_WEIGHT);
        assertThat(u.incarnation()).isZero();
        assertThat(u.load()).isSameAs(MemberLoad.ZERO);
        assertThat(u.tags()).isEmpty();
        assertThat(u.toBuilder().incarnation(3).build()).isEqualTo(new MemberUpdate(u.id(), u.address(), Map.of(), 3, 1,
                MemberLoad.ZERO));
    }

    @ParameterizedTest
    @ValueSource(strings = {"host:1", "10.0.0.1:65535", "[::1]:9000", "w-1.example.com:443"})
    void acceptsHostPortAddresses(String address) {
        assertThat(MemberUpdate.builder("w", address).build().address()).isEqualTo(address);
    }

    @Test
    void splitsTheAddressIntoHostAndPort() {
        Member v6 = new Member(MemberId.of("w"), "[::1]:9000", Map.of(), 1, 1, MemberLoad.ZERO,
                MemberStatus.ALIVE, 0, 0);
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.port()).isEqualTo(9000);
        Member named = new Member(MemberId.of("w"), "w-1.example.com:443", Map.of(), 1, 1, MemberLoad.ZERO,
                MemberStatus.ALIVE, 0, 0);
        assertThat(named.host()).isEqualTo("w-1.example.com");
        assertThat(named.port()).isEqualTo(443);
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", ":80", "host:", "host:0", "host:65536", "host:8a", "::1:80", "a b:80", "host:123456"})
    void rejectsMalformedAddresses(String address) {
        assertThatThrownBy(() -> MemberUpdate.builder("w", address).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
    }

    @Test
    void validatesIdsWeightsAndLoad() {
        assertThatThrownBy(() -> MemberId.of("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemberId.of("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemberUpdate.builder("w", "h:1").weight(0).build())
                .hasMessage("weight must be 1..1000: 0");
        assertThatThrownBy(() -> MemberUpdate.builder("w", "h:1").weight(1001).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemberLoad.of(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(MemberLoad.of(2, 3).total()).isEqualTo(5);
        assertThat(MemberId.of("a").compareTo(MemberId.of("b"))).isNegative();
    }

    @Test
    void conventionalTagsAreExposed() {
        Member m = new Member(MemberId.of("w"), "h:1", Map.of(Tags.ROLE, "worker", Tags.ZONE, "eu"), 0, 1,
                MemberLoad.ZERO, MemberStatus.ALIVE, 0, 0);

        assertThat(m.role()).contains("worker");
        assertThat(m.zone()).contains("eu");
        assertThat(m.label()).isEmpty();
        assertThat(TagFilter.parse("role=worker").matches(m)).isTrue();
    }

    @Test
    void tagMapsAreValidatedOnceAndSharedBetweenSnapshots() {
        java.util.Map<String, String> source = new java.util.HashMap<>(Map.of("role", "worker"));
        Map<String, String> tags = Tags.copyOf(source);
        source.put("role", "changed");

        assertThat(tags).containsExactly(Map.entry("role", "worker")).isEqualTo(Map.of("role", "worker"));
        assertThat(Tags.copyOf(tags)).isSameAs(tags);
        assertThatThrownBy(() -> tags.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> tags.entrySet().iterator().next().setValue("y"))
                .isInstanceOf(UnsupportedOperationException.class);
        Member m = new Member(MemberId.of("w"), "h:1", tags, 0, 1, MemberLoad.ZERO, MemberStatus.ALIVE, 0, 0);
        assertThat(m.tags()).isSameAs(tags);
    }

    @Test
    void noWorkerMessageNamesTheFilter() {
        NoWorkerAvailableException e = new NoWorkerAvailableException(TagFilter.parse("role=worker,zone=eu"));

        assertThat(e.code()).isEqualTo(io.rpcnet.protocol.StatusCode.UNAVAILABLE);
        assertThat(e.status().message()).isEqualTo("no ALIVE worker matches role=worker,zone=eu");
        assertThat(new NoWorkerAvailableException(TagFilter.ANY).status().message())
                .isEqualTo("no ALIVE worker in the cluster");
    }
}
