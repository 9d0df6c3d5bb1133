package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEvent.Type;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.membership.MembershipCluster.Director;
import io.rpcnet.cluster.membership.MembershipCluster.Worker;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.server.RpcServer;
import io.rpcnet.server.ServerInterceptor;
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.rpcnet.cluster.membership.MembershipCluster.HEARTBEAT;
import static io.rpcnet.cluster.membership.MembershipCluster.SECRET;
import static io.rpcnet.cluster.membership.MembershipCluster.member;
import static io.rpcnet.cluster.membership.MembershipCluster.typesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker when a director is gone, restarted or slow, over real QUIC + TLS on 127.0.0.1: with two
 * directors it stays joined to the other and re-joins a restarted one on the same address; a slow director
 * gets one heartbeat at a time (nothing piles up), fails the worker, and the worker comes back.
 */
@Timeout(60)
class DirectorOutageTest {

    private final MembershipCluster cluster = new MembershipCluster();

    @AfterEach
    void closeAll() {
        cluster.close();
    }

    @Test
    void aWorkerJoinsEveryDirectorAndComesBackToARestartedOne() throws Exception {
        Director first = cluster.director(DirectorMembership.builder().secret(SECRET), TestTls.server());
        Director other = cluster.director(DirectorMembership.builder().secret(SECRET), TestTls.server());
        int port = first.server().port();
        String firstSeed = first.seed();
        MemberId firstId = MemberId.of(firstSeed);
        RpcServer server = cluster.echoServer();
        WorkerMembershipAgent agent = cluster.closeAtEnd(WorkerMembershipAgent.builder().memberId("w1")
                .advertisedAddress("localhost:" + server.port()).seeds(List.of(firstSeed, other.seed()))
                .secret(SECRET).tls(TestTls.client()).maxBackoff(Duration.ofSeconds(1)).build());
        List<ClusterEvent> view = new CopyOnWriteArrayList<>();
        agent.subscribe(view::add);
        agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(3)).until(() -> agent.members().size() == 2);
        assertThat(member(first, "w1").status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(member(other, "w1").status()).isEqualTo(MemberStatus.ALIVE);
        long incarnation = agent.incarnation();

        // one director goes away: the worker's view marks it, the other director still has the worker
        first.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.member(firstId)
                .map(d -> d.status() == MemberStatus.FAILED).orElse(false));
        assertThat(agent.isJoined()).isTrue();
        assertThat(member(other, "w1").status()).isEqualTo(MemberStatus.ALIVE);

        // a new director on the same address: it refuses the old director's token, the worker joins it again
        Director second = cluster.director(DirectorMembership.builder().secret(SECRET), TestTls.server(), port);
        await().atMost(Duration.ofSeconds(8)).until(() -> second.membership().member(MemberId.of("w1"))
                .map(m -> m.status() == MemberStatus.ALIVE).orElse(false));
        assertThat(member(second, "w1").incarnation()).isEqualTo(incarnation);
        await().atMost(Duration.ofSeconds(2)).until(() -> agent.member(firstId)
                .map(d -> d.status() == MemberStatus.ALIVE).orElse(false));
        assertThat(member(other, "w1").status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(view.stream().filter(e -> e.memberId().equals(firstId)).map(ClusterEvent::type))
                .containsExactly(Type.JOINED, Type.SUSPECT, Type.FAILED, Type.RECOVERED);
    }

    @Test
    void aSlowDirectorGetsOneHeartbeatAtATimeAndTheWorkerRejoinsAfterBeingFailed() throws Exception {
        AtomicBoolean slow = new AtomicBoolean();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger slowHeartbeats = new AtomicInteger();
        ServerInterceptor stall = invocation -> {
            if (!slow.get() || !invocation.context().method().fullName().equals("RpcNetMembership/heartbeat")) {
                return invocation.proceed();
            }
            slowHeartbeats.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                CountDownLatch cancelled = new CountDownLatch(1);
                invocation.context().onCancel(cancelled::countDown);
                cancelled.await(5, TimeUnit.SECONDS); // the worker's deadline (400 ms) cancels it
                throw new RpcException(StatusCode.CANCELLED, "stalled");
            } finally {
                inFlight.decrementAndGet();
            }
        };
        Director director = cluster.director(DirectorMembership.builder().secret(SECRET), TestTls.server(), 0, stall);
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        director.membership().subscribe(events::add);
        Worker w = cluster.worker("w1", Map.of("role", "worker"), director, SECRET, null);
        w.agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        long incarnation = w.agent.incarnation();

        long slowSince = System.nanoTime();
        slow.set(true);
        await().atMost(Duration.ofSeconds(4)).until(() -> typesOf(events, "w1").contains(Type.FAILED));
        long slowMs = (System.nanoTime() - slowSince) / 1_000_000;
        slow.set(false);
        int stalled = slowHeartbeats.get();

        // one heartbeat at a time, at most one per interval: nothing piled up while the director was slow
        assertThat(maxInFlight).as("heartbeats in flight at once").hasValueLessThanOrEqualTo(2);
        assertThat(stalled).as("heartbeats sent during %d ms of stall", slowMs)
                .isBetween(1, (int) (slowMs / HEARTBEAT.toMillis()) + 2);
        // the director asks the FAILED worker to re-join; it comes back with a higher incarnation
        await().atMost(Duration.ofSeconds(4)).until(() -> typesOf(events, "w1").contains(Type.RECOVERED));
        assertThat(typesOf(events, "w1")).containsExactly(Type.JOINED, Type.SUSPECT, Type.FAILED, Type.RECOVERED);
        assertThat(member(director, "w1").incarnation()).isGreaterThan(incarnation);
        assertThat(w.agent.incarnation()).isEqualTo(member(director, "w1").incarnation());
        System.out.println("slow director: " + stalled + " heartbeats in " + slowMs + " ms, at most " + maxInFlight
                + " in flight");
    }
}
