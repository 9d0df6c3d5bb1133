package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEvent.Type;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.NoWorkerAvailableException;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.membership.MembershipCluster.Director;
import io.rpcnet.cluster.membership.MembershipCluster.Worker;
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.rpcnet.cluster.membership.MembershipCluster.SECRET;
import static io.rpcnet.cluster.membership.MembershipCluster.member;
import static io.rpcnet.cluster.membership.MembershipCluster.typesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A worker's life as one director sees it, over real QUIC + TLS on 127.0.0.1: workers join with their tags
 * and load, are selected by tag filters, crash (no LEAVE) and are detected, restart and recover, change
 * their tags, stop gracefully and join again; each event is published exactly once.
 */
@Timeout(60)
class MemberLifecycleTest {

    private final MembershipCluster cluster = new MembershipCluster();

    @AfterEach
    void closeAll() {
        cluster.close();
    }

    @Test
    void clusterFormsDetectsACrashRecoversAndSeesAGracefulLeave() throws Exception {
        Director director = cluster.director(DirectorMembership.builder().secret(SECRET), TestTls.server());
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        director.membership().subscribe(events::add);

        Worker w1 = cluster.worker("w1", Map.of("role", "worker", "zone", "eu"), director, SECRET,
                () -> MemberLoad.of(2, 3));
        Worker w2 = cluster.worker("w2", Map.of("role", "worker", "zone", "eu", "label", "blue"), director, SECRET,
                null);
        Worker w3 = cluster.worker("w3", Map.of("role", "worker", "zone", "us"), director, SECRET, null);
        List<ClusterEvent> w1View = new CopyOnWriteArrayList<>();
        w1.agent.subscribe(w1View::add);
        for (Worker w : List.of(w1, w2, w3)) {
            w.agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }

        // all three ALIVE with their tags and addresses; w1's load arrived with its heartbeats
        var registry = director.membership().registry();
        assertThat(registry.members()).extracting(m -> m.id().value()).containsExactly("w1", "w2", "w3");
        assertThat(registry.members()).allSatisfy(m -> assertThat(m.status()).isEqualTo(MemberStatus.ALIVE));
        assertThat(member(director, "w2").tags()).isEqualTo(Map.of("role", "worker", "zone", "eu", "label", "blue"));
        assertThat(member(director, "w3").address()).isEqualTo(w3.address());
        await().atMost(Duration.ofSeconds(3)).until(() -> member(director, "w1").load().equals(MemberLoad.of(2, 3)));
        assertThat(w1.agent.isJoined()).isTrue();
        assertThat(w1.agent.members()).singleElement().satisfies(d -> {
            assertThat(d.id().value()).isEqualTo(director.seed());
            assertThat(d.status()).isEqualTo(MemberStatus.ALIVE);
        });

        // tag filters select through the registry; the chosen address is a real, callable server
        assertThat(registry.alive(TagFilter.parse("role=worker,zone=eu"))).extracting(m -> m.id().value())
                .containsExactly("w1", "w2");
        assertThat(registry.alive(TagFilter.parse("label=blue"))).extracting(m -> m.id().value()).containsExactly("w2");
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            chosen.add(registry.require(TagFilter.parse("zone=eu")).id().value());
        }
        assertThat(chosen).containsExactlyInAnyOrder("w1", "w2");
        Member us = registry.require(TagFilter.parse("zone=us"));
        assertThat(cluster.call(us.address()).ping()).isEqualTo("pong");

        // crash w3: no LEAVE, heartbeats stop, its server is gone
        long crashedAt = System.nanoTime();
        w3.crash();
        // (the registry's state changes before listeners hear of it: wait for the event)
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10))
                .until(() -> typesOf(events, "w3").contains(Type.FAILED));
        long detectionMs = events.stream().filter(e -> e.type() == Type.FAILED).findFirst().orElseThrow().nanoTime();
        detectionMs = (detectionMs - crashedAt) / 1_000_000;
        assertThat(detectionMs).as("crash to FAILED, ms").isLessThanOrEqualTo(2_500);
        assertThat(typesOf(events, "w3")).containsExactly(Type.JOINED, Type.SUSPECT, Type.FAILED);
        assertThat(member(director, "w3").status()).isEqualTo(MemberStatus.FAILED);
        assertThat(registry.select(TagFilter.parse("zone=us"))).isEmpty();
        assertThatThrownBy(() -> registry.require(TagFilter.parse("zone=us")))
                .isInstanceOf(NoWorkerAvailableException.class).hasMessageContaining("zone=us");
        for (int i = 0; i < 20; i++) {
            assertThat(registry.require(TagFilter.parse("role=worker")).id().value()).isNotEqualTo("w3");
        }

        // w3 restarts (new server, new agent, higher incarnation): RECOVERED
        long oldIncarnation = member(director, "w3").incarnation();
        Worker w3b = cluster.worker("w3", Map.of("role", "worker", "zone", "us"), director, SECRET, null,
                oldIncarnation + 1);
        w3b.agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(member(director, "w3").status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(member(director, "w3").incarnation()).isGreaterThan(oldIncarnation);
        assertThat(member(director, "w3").address()).isEqualTo(w3b.address());
        assertThat(cluster.call(registry.require(TagFilter.parse("zone=us")).address()).ping()).isEqualTo("pong");

        // w2 stops gracefully: LEFT at once, not a failure
        long leavingAt = System.nanoTime();
        w2.stop();
        assertThat(member(director, "w2").status()).isEqualTo(MemberStatus.LEFT);
        assertThat((System.nanoTime() - leavingAt) / 1_000_000).as("leave, ms").isLessThan(1_500);

        // each event exactly once; w1 never suspected; nothing else happens afterwards
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3)).until(() -> events.size() == 7);
        assertThat(typesOf(events, "w1")).containsExactly(Type.JOINED);
        assertThat(typesOf(events, "w2")).containsExactly(Type.JOINED, Type.LEFT);
        assertThat(typesOf(events, "w3")).containsExactly(Type.JOINED, Type.SUSPECT, Type.FAILED, Type.RECOVERED);
        assertThat(member(director, "w1").status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(w1View).extracting(ClusterEvent::type).containsExactly(Type.JOINED);
        System.out.println("membership: crash to FAILED " + detectionMs + " ms; events " + events);
    }

    @Test
    void tagUpdatesReachTheDirectorAndAWorkerCanJoinAgainAfterLeaving() throws Exception {
        Director director = cluster.director(DirectorMembership.builder().secret(SECRET), TestTls.server());
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        director.membership().subscribe(events::add);
        Worker w = cluster.worker("w1", Map.of("role", "worker", "zone", "eu"), director, SECRET, null);
        w.agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);

        w.agent.updateTags(Map.of("role", "worker", "zone", "us")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(member(director, "w1").tags()).isEqualTo(Map.of("role", "worker", "zone", "us"));
        assertThat(director.membership().registry().alive(TagFilter.parse("zone=us"))).hasSize(1);

        long first = w.agent.incarnation();
        w.agent.leave().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(member(director, "w1").status()).isEqualTo(MemberStatus.LEFT);
        w.agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(member(director, "w1").status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(w.agent.incarnation()).isGreaterThan(first);
        await().atMost(Duration.ofSeconds(2))
                .until(() -> typesOf(events, "w1").size() == 4);
        assertThat(typesOf(events, "w1")).containsExactly(Type.JOINED, Type.TAGS_UPDATED, Type.LEFT, Type.JOINED);
        assertThat(w.agent.members()).singleElement().satisfies(d -> assertThat(d.status()).isEqualTo(MemberStatus.ALIVE));
    }
}
