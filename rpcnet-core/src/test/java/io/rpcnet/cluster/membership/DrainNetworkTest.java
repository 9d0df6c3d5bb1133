package io.rpcnet.cluster.membership;

import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.membership.MembershipService.ChallengeRequest;
import io.rpcnet.cluster.membership.MembershipService.DrainRequest;
import io.rpcnet.cluster.membership.MembershipService.DrainResult;
import io.rpcnet.cluster.membership.MembershipService.JoinAccepted;
import io.rpcnet.cluster.membership.MembershipService.JoinChallenge;
import io.rpcnet.cluster.membership.MembershipService.JoinRequest;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.server.RpcServer;
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Draining a worker before it leaves ({@code RpcNetMembership/drain}) over real QUIC + TLS on 127.0.0.1: the
 * director's {@link DrainHandler} gets the worker's member id and its result reaches the worker; no handler, a
 * handler that never finishes or throws, all give {@code drained=false} without an error or a hang; tokens are
 * checked like for a heartbeat.
 */
@Timeout(60)
class DrainNetworkTest {

    private static final String SECRET = "test-cluster-secret-0123456789abcdef";

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void aJoinedWorkersDrainReachesTheHandlerWhichMayTakeLongerThanTheUsualCallTimeout() throws Exception {
        Director director = director();
        List<MemberId> drained = new CopyOnWriteArrayList<>();
        CompletableFuture<DrainResult> migration = new CompletableFuture<>();
        director.membership.drainHandler(member -> {
            drained.add(member);
            return migration;
        });
        // calls other than the drain have a 500 ms deadline
        WorkerMembershipAgent agent = agent("w1", List.of(director), b -> b.joinTimeout(Duration.ofMillis(500)));
        agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);

        CompletableFuture<DrainResult> drain = agent.requestDrain(Duration.ofSeconds(20)).toCompletableFuture();
        await().atMost(Duration.ofSeconds(5)).until(() -> drained.size() == 1);
        assertThat(drained).containsExactly(MemberId.of("w1"));
        assertThat(director.membership.drainsInProgress()).isEqualTo(1);
        // the worker waits well past the join timeout, and keeps heartbeating meanwhile
        await().during(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(3)).until(() -> !drain.isDone());
        assertThat(director.member("w1").status()).isEqualTo(MemberStatus.ALIVE);

        DrainResult result = new DrainResult(true, 3, 0, 0, "moved 3 sessions of 'w1'");
        migration.complete(result);
        assertThat(drain.get(5, TimeUnit.SECONDS)).isEqualTo(result);
        assertThat(director.membership.drainsInProgress()).isZero();
        assertThat(drained).hasSize(1);

        // leave() is unchanged: the worker then leaves as before
        agent.leave().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(director.member("w1").status()).isEqualTo(MemberStatus.LEFT);
    }

    @Test
    void withoutAHandlerTheDirectorAnswersAtOnceThatNothingWasDrained() throws Exception {
        Director director = director();
        WorkerMembershipAgent agent = agent("w1", List.of(director), b -> { });
        agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);

        long start = System.nanoTime();
        DrainResult result = agent.requestDrain(Duration.ofSeconds(30)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat((System.nanoTime() - start) / 1_000_000).as("answer, ms").isLessThan(3_000);
        assertThat(result.drained()).isFalse();
        assertThat(result.migrated() + result.failed() + result.remaining()).isZero();
        assertThat(result.message()).contains("no migration coordinator runs on this director");

        agent.leave().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(director.member("w1").status()).isEqualTo(MemberStatus.LEFT);
    }

    @Test
    void aHandlerThatNeverFinishesTimesOutAndOneThatThrowsFails() throws Exception {
        Director director = director();
        List<MemberId> calls = new CopyOnWriteArrayList<>();
        CompletableFuture<DrainResult> never = new CompletableFuture<>();
        director.membership.drainHandler(member -> {
            calls.add(member);
            return never;
        });
        WorkerMembershipAgent agent = agent("w1", List.of(director), b -> { });
        agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);

        long start = System.nanoTime();
        DrainResult result = agent.requestDrain(Duration.ofMillis(300)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMs).as("timed-out drain, ms").isBetween(300L, 3_000L);
        assertThat(result.drained()).isFalse();
        assertThat(result.message()).isEqualTo("drain of 'w1' did not finish within 300 ms");
        // the handler's own future is left alone; asking again joins the running drain instead of starting one
        assertThat(never).isNotDone();
        assertThat(director.membership.drainsInProgress()).isEqualTo(1);
        assertThat(agent.requestDrain(Duration.ofMillis(200)).toCompletableFuture().get(5, TimeUnit.SECONDS).message())
                .contains("did not finish within 200 ms");
        assertThat(calls).containsExactly(MemberId.of("w1"));
        never.complete(new DrainResult(true, 0, 0, 0, "late"));
        await().atMost(Duration.ofSeconds(2)).until(() -> director.membership.drainsInProgress() == 0);

        director.membership.drainHandler(member -> {
            throw new IllegalStateException("coordinator is not ready");
        });
        result = agent.requestDrain(Duration.ofSeconds(10)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(result.drained()).isFalse();
        assertThat(result.message()).isEqualTo("drain of 'w1' failed: coordinator is not ready");
        director.membership.drainHandler(member ->
                CompletableFuture.failedFuture(new IllegalStateException("no target")));
        assertThat(agent.requestDrain(Duration.ofSeconds(10)).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isEqualTo(new DrainResult(false, 0, 0, 0, "drain of 'w1' failed: no target"));

        // a drain still waiting when the agent closes ends too (the agent leaves, the call is cut)
        director.membership.drainHandler(member -> new CompletableFuture<>());
        CompletableFuture<DrainResult> pending = agent.requestDrain(Duration.ofSeconds(30)).toCompletableFuture();
        await().atMost(Duration.ofSeconds(3)).until(() -> director.membership.drainsInProgress() == 1);
        agent.close();
        assertThat(pending.get(5, TimeUnit.SECONDS).drained()).isFalse();
        assertThat(director.member("w1").status()).isEqualTo(MemberStatus.LEFT);
    }

    @Test
    void drainNeedsTheMemberTokenAndValidArguments() throws Exception {
        Director director = director();
        List<MemberId> calls = new CopyOnWriteArrayList<>();
        director.membership.drainHandler(member -> {
            calls.add(member);
            return CompletableFuture.completedFuture(new DrainResult(true, 1, 0, 0, "ok"));
        });
        RpcClient client = RpcClient.builder().target("localhost", director.server.port()).tls(TestTls.client())
                .defaultTimeout(Duration.ofSeconds(5)).build();
        toClose.add(client);
        MembershipService svc = client.proxy(MembershipService.class);
        String address = "127.0.0.1:9";
        JoinChallenge challenge = svc.challenge(new ChallengeRequest("m1"));
        JoinAccepted joined = svc.join(new JoinRequest("m1", address, Map.of("role", "worker"), 1, 1, 0, 0,
                challenge.nonce(), MembershipAuth.joinProof(SECRET.getBytes(StandardCharsets.UTF_8), challenge.nonce(),
                "m1", address, 1)));
        String token = joined.token();
        long refused = director.membership.refusedCalls();

        assertRefused(() -> svc.drain(new DrainRequest("m1", 1, null, 1_000)), StatusCode.UNAUTHENTICATED,
                "drain of 'm1' refused: no member token; join first");
        assertRefused(() -> svc.drain(new DrainRequest("m1", 1, "not-a-token", 1_000)), StatusCode.UNAUTHENTICATED,
                "malformed member token");
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertRefused(() -> svc.drain(new DrainRequest("m1", 1, tampered, 1_000)), StatusCode.UNAUTHENTICATED,
                "invalid member token");
        assertRefused(() -> svc.drain(new DrainRequest("m2", 1, token, 1_000)), StatusCode.UNAUTHENTICATED,
                "drain of 'm2' refused: invalid member token");
        assertRefused(() -> svc.drain(new DrainRequest("m1", 2, token, 1_000)), StatusCode.UNAUTHENTICATED,
                "invalid member token");
        assertThat(director.membership.refusedCalls() - refused).isEqualTo(5);
        assertRefused(() -> svc.drain(new DrainRequest(null, 1, token, 1_000)), StatusCode.INVALID_ARGUMENT,
                "drain needs a memberId");
        assertRefused(() -> svc.drain(new DrainRequest("m1", 1, token, 0)), StatusCode.INVALID_ARGUMENT,
                "needs timeoutMillis > 0");
        assertRefused(() -> svc.drain(new DrainRequest("m1", 1, token, -5)), StatusCode.INVALID_ARGUMENT,
                "needs timeoutMillis > 0");
        assertThat(calls).isEmpty();

        // the same request with the real token goes through
        assertThat(svc.drain(new DrainRequest("m1", 1, token, 1_000)).get(5, TimeUnit.SECONDS))
                .isEqualTo(new DrainResult(true, 1, 0, 0, "ok"));
        assertThat(calls).containsExactly(MemberId.of("m1"));
        assertThat(new DrainRequest("m1", 1, token, 1_000).toString()).doesNotContain(token).contains("***");
    }

    @Test
    void anAgentThatIsNotJoinedIsNotDrained() throws Exception {
        Director director = director();
        List<MemberId> calls = new CopyOnWriteArrayList<>();
        director.membership.drainHandler(member -> {
            calls.add(member);
            return CompletableFuture.completedFuture(new DrainResult(true, 0, 0, 0, "nothing to move"));
        });
        WorkerMembershipAgent agent = agent("w1", List.of(director), b -> { });

        CompletableFuture<DrainResult> before = agent.requestDrain(Duration.ofSeconds(30)).toCompletableFuture();
        assertThat(before).isDone();
        assertThat(before.get().drained()).isFalse();
        assertThat(before.get().message()).isEqualTo("member 'w1' is not joined to any director (it has not joined "
                + "yet); nothing was drained");
        assertThatThrownBy(() -> agent.requestDrain(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);

        agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        agent.leave().toCompletableFuture().get(5, TimeUnit.SECONDS);
        CompletableFuture<DrainResult> after = agent.requestDrain(Duration.ofSeconds(30)).toCompletableFuture();
        assertThat(after).isDone();
        assertThat(after.get().drained()).isFalse();
        assertThat(after.get().message()).contains("(it left)");
        assertThat(calls).isEmpty();
    }

    @Test
    void aWorkerOnTwoDirectorsIsDrainedOnlyIfBothDrainedIt() throws Exception {
        Director withCoordinator = director();
        Director without = director();
        List<MemberId> calls = new CopyOnWriteArrayList<>();
        withCoordinator.membership.drainHandler(member -> {
            calls.add(member);
            return CompletableFuture.completedFuture(new DrainResult(true, 2, 1, 0, "moved 2, 1 failed"));
        });
        WorkerMembershipAgent agent = agent("w1", List.of(withCoordinator, without), b -> { });
        agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.members().stream()
                .filter(d -> d.status() == MemberStatus.ALIVE).count() == 2);

        DrainResult result = agent.requestDrain(Duration.ofSeconds(10)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(calls).containsExactly(MemberId.of("w1"));
        assertThat(result.drained()).isFalse();
        assertThat(result.migrated()).isEqualTo(2);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.message()).contains(withCoordinator.seed() + ": moved 2, 1 failed")
                .contains(without.seed() + ": no migration coordinator");

        without.membership.drainHandler(member -> CompletableFuture.completedFuture(
                new DrainResult(true, 1, 0, 0, "moved 1")));
        result = agent.requestDrain(Duration.ofSeconds(10)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(result.drained()).isTrue();
        assertThat(result.migrated()).isEqualTo(3);
    }

    // ---- fixtures ----

    private record Director(RpcServer server, DirectorMembership membership) implements AutoCloseable {
        String seed() {
            return "localhost:" + server.port();
        }

        io.rpcnet.cluster.Member member(String id) {
            return membership.member(MemberId.of(id)).orElseThrow(() -> new AssertionError("no member " + id));
        }

        @Override
        public void close() {
            membership.close();
            server.close();
        }
    }

    private Director director() {
        DirectorMembership membership = DirectorMembership.builder().secret(SECRET).build().start();
        RpcServer server = RpcServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0)).tls(TestTls.server())
                .shutdownGracePeriod(Duration.ofMillis(200)).addService(MembershipService.class, membership)
                .build().start();
        Director d = new Director(server, membership);
        toClose.add(d);
        return d;
    }

    private WorkerMembershipAgent agent(String id, List<Director> directors,
                                         Consumer<WorkerMembershipAgent.Builder> customizer) {
        WorkerMembershipAgent.Builder b = WorkerMembershipAgent.builder().memberId(id).advertisedAddress("127.0.0.1:9")
                .seeds(directors.stream().map(Director::seed).toList()).secret(SECRET).tls(TestTls.client())
                .heartbeatInterval(Duration.ofMillis(500));
        customizer.accept(b);
        WorkerMembershipAgent agent = b.build();
        toClose.add(agent);
        return agent;
    }

    private static void assertRefused(Supplier<CompletableFuture<DrainResult>> call, StatusCode code,
                                      String messagePart) {
        assertThatThrownBy(() -> call.get().join()).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.status().message()).contains(messagePart);
                });
    }
}
