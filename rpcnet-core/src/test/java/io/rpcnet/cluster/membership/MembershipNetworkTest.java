package io.rpcnet.cluster.membership;

import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEvent.Type;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.NoWorkerAvailableException;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.membership.MembershipService.Action;
import io.rpcnet.cluster.membership.MembershipService.ChallengeRequest;
import io.rpcnet.cluster.membership.MembershipService.Heartbeat;
import io.rpcnet.cluster.membership.MembershipService.HeartbeatAck;
import io.rpcnet.cluster.membership.MembershipService.JoinAccepted;
import io.rpcnet.cluster.membership.MembershipService.JoinChallenge;
import io.rpcnet.cluster.membership.MembershipService.JoinRequest;
import io.rpcnet.cluster.membership.MembershipService.LeaveRequest;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.server.RpcServer;
import io.rpcnet.server.ServerInterceptor;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoServiceImpl;
import io.rpcnet.testing.TestTls;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.ServerTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.KeyManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The embedded membership over real QUIC + TLS on 127.0.0.1: one director, workers that are real RpcServers
 * with an agent each, crash (no LEAVE) and graceful stop, restarts, authentication failures.
 */
@Timeout(60)
class MembershipNetworkTest {

    private static final String SECRET = "test-cluster-secret-0123456789abcdef";
    private static final Duration HEARTBEAT = Duration.ofMillis(500);

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
    void clusterFormsDetectsACrashRecoversAndSeesAGracefulLeave() throws Exception {
        Director director = director(DirectorMembership.builder().secret(SECRET), TestTls.server());
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        director.membership.subscribe(events::add);

        Worker w1 = worker("w1", Map.of("role", "worker", "zone", "eu"), director, SECRET, () -> MemberLoad.of(2, 3));
        Worker w2 = worker("w2", Map.of("role", "worker", "zone", "eu", "label", "blue"), director, SECRET, null);
        Worker w3 = worker("w3", Map.of("role", "worker", "zone", "us"), director, SECRET, null);
        List<ClusterEvent> w1View = new CopyOnWriteArrayList<>();
        w1.agent.subscribe(w1View::add);
        for (Worker w : List.of(w1, w2, w3)) {
            w.agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }

        // all three ALIVE with their tags and addresses; w1's load arrived with its heartbeats
        var registry = director.membership.registry();
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
        assertThat(call(us.address()).ping()).isEqualTo("pong");

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
        Worker w3b = worker("w3", Map.of("role", "worker", "zone", "us"), director, SECRET, null, oldIncarnation + 1);
        w3b.agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(member(director, "w3").status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(member(director, "w3").incarnation()).isGreaterThan(oldIncarnation);
        assertThat(member(director, "w3").address()).isEqualTo(w3b.address());
        assertThat(call(registry.require(TagFilter.parse("zone=us")).address()).ping()).isEqualTo("pong");

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
    void workersWithoutTheSecretAreRefusedAndNeverRegistered() {
        Director director = director(DirectorMembership.builder().secret(SECRET), TestTls.server());
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        director.membership.subscribe(events::add);

        WorkerMembershipAgent wrong = agent("intruder", director, "another-secret-that-is-long-enough-0123", TestTls.client());
        WorkerMembershipAgent none = agent("anonymous", director, null, TestTls.client());

        for (WorkerMembershipAgent agent : List.of(wrong, none)) {
            assertThatThrownBy(() -> agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(RpcException.class, e ->
                            assertThat(e.code()).isEqualTo(StatusCode.UNAUTHENTICATED));
        }
        assertThat(exceptionOf(wrong)).hasMessageContaining("join of 'intruder' refused: the proof does not match");
        assertThat(exceptionOf(none)).hasMessageContaining("join of 'anonymous' refused: no proof of the cluster secret");
        assertThat(wrong.isJoined()).isFalse();
        assertThat(wrong.members()).isEmpty();

        // they keep trying (short backoff here) and keep being refused; nothing ever reaches the registry
        long refused = director.membership.refusedJoins();
        await().during(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(3))
                .until(() -> director.membership.members().isEmpty() && events.isEmpty());
        assertThat(director.membership.refusedJoins()).isGreaterThan(refused);
    }

    @Test
    void forgedExpiredAndReusedCredentialsAreRefused() {
        ManualClock clock = new ManualClock();
        Director director = director(DirectorMembership.builder().secret(SECRET).clock(clock)
                .tokenTtl(Duration.ofSeconds(30)).challengeTtl(Duration.ofSeconds(10)), TestTls.server());
        RpcClient client = RpcClient.builder().target("localhost", director.server.port()).tls(TestTls.client())
                .defaultTimeout(Duration.ofSeconds(5)).build();
        toClose.add(client);
        MembershipService svc = client.proxy(MembershipService.class);
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        String address = "127.0.0.1:9";

        // no token at all
        assertUnauthenticated(() -> svc.heartbeat(new Heartbeat("m1", 1, null, 0, 0)),
                "heartbeat of 'm1' refused: no member token; join first");

        // a proper join
        JoinChallenge c1 = svc.challenge(new ChallengeRequest("m1"));
        assertThat(c1.ttlMillis()).isEqualTo(10_000);
        JoinRequest join = joinRequest("m1", address, 1, c1.nonce(), MembershipAuth.joinProof(secret, c1.nonce(), "m1", address, 1));
        JoinAccepted accepted = svc.join(join);
        assertThat(accepted.result()).isEqualTo("JOINED");
        HeartbeatAck ack = svc.heartbeat(new Heartbeat("m1", 1, accepted.token(), 1, 2));
        assertThat(ack.action()).isEqualTo(Action.OK);
        assertThat(ack.token()).isNotBlank();
        String token = ack.token();

        // the nonce is single-use; a nonce is bound to the member it was issued to; proofs cover every field
        assertUnauthenticated(() -> svc.join(join), "the challenge nonce is unknown or was already used");
        JoinChallenge c2 = svc.challenge(new ChallengeRequest("m2"));
        assertUnauthenticated(() -> svc.join(joinRequest("m1", address, 1, c2.nonce(),
                MembershipAuth.joinProof(secret, c2.nonce(), "m1", address, 1))), "issued to another member id");
        JoinChallenge c3 = svc.challenge(new ChallengeRequest("m1"));
        assertUnauthenticated(() -> svc.join(joinRequest("m1", "127.0.0.1:10", 1, c3.nonce(),
                MembershipAuth.joinProof(secret, c3.nonce(), "m1", address, 1))), "the proof does not match");

        // forged tokens: another member's, another incarnation's, tampered, garbage
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertUnauthenticated(() -> svc.heartbeat(new Heartbeat("m2", 1, token, 0, 0)), "invalid member token");
        assertUnauthenticated(() -> svc.heartbeat(new Heartbeat("m1", 2, token, 0, 0)), "invalid member token");
        assertUnauthenticated(() -> svc.heartbeat(new Heartbeat("m1", 1, tampered, 0, 0)), "invalid member token");
        assertUnauthenticated(() -> svc.heartbeat(new Heartbeat("m1", 1, "not-a-token", 0, 0)), "malformed member token");
        String extended = (Long.parseLong(token.substring(0, token.indexOf('.'))) + 60_000) + token.substring(token.indexOf('.'));
        assertUnauthenticated(() -> svc.heartbeat(new Heartbeat("m1", 1, extended, 0, 0)), "invalid member token");
        assertUnauthenticated(() -> svc.leave(new LeaveRequest("m1", 1, tampered)), "leave of 'm1' refused");
        assertThat(member(director, "m1").status()).isNotEqualTo(MemberStatus.LEFT);

        // expiry: a nonce after 10 s, a token after 30 s
        JoinChallenge c4 = svc.challenge(new ChallengeRequest("m1"));
        clock.advance(Duration.ofSeconds(31));
        assertUnauthenticated(() -> svc.join(joinRequest("m1", address, 1, c4.nonce(),
                MembershipAuth.joinProof(secret, c4.nonce(), "m1", address, 1))), "the challenge nonce expired");
        assertUnauthenticated(() -> svc.heartbeat(new Heartbeat("m1", 1, token, 0, 0)), "member token expired at ");

        // a fresh join (higher incarnation: m1 may be FAILED by now, nobody heartbeats it) and a valid leave
        JoinChallenge c5 = svc.challenge(new ChallengeRequest("m1"));
        JoinAccepted again = svc.join(joinRequest("m1", address, 2, c5.nonce(),
                MembershipAuth.joinProof(secret, c5.nonce(), "m1", address, 2)));
        svc.leave(new LeaveRequest("m1", 2, again.token()));
        assertThat(member(director, "m1").status()).isEqualTo(MemberStatus.LEFT);

        // malformed input is INVALID_ARGUMENT; nothing but m1 ever got in
        assertThatThrownBy(() -> svc.challenge(new ChallengeRequest(null))).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(StatusCode.INVALID_ARGUMENT));
        assertThat(director.membership.members()).extracting(m -> m.id().value()).containsExactly("m1");
        assertThat(director.membership.refusedJoins()).isEqualTo(4);
    }

    @Test
    void withMutualTlsWorkersJoinWithoutASecret() throws Exception {
        assertThatThrownBy(() -> DirectorMembership.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cluster secret").hasMessageContaining("mutual TLS");
        assertThatThrownBy(() -> DirectorMembership.builder().secret("too-short-secret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32 bytes")
                .hasMessageNotContaining("too-short-secret");

        ServerTls mtls = TestTls.server().requireClientCertificates(ClientTls.Trust.pem(TestTls.file("ca.pem")));
        Director director = director(DirectorMembership.builder().mutualTls(mtls.requiresClientCertificates()), mtls);
        WorkerMembershipAgent agent = agent("certified", director, null, TestTls.client().withIdentity(identity()));
        agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(member(director, "certified").status()).isEqualTo(MemberStatus.ALIVE);
        agent.leave().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(member(director, "certified").status()).isEqualTo(MemberStatus.LEFT);
    }

    @Test
    void aWorkerJoinsEveryDirectorAndComesBackToARestartedOne() throws Exception {
        Director first = director(DirectorMembership.builder().secret(SECRET), TestTls.server());
        Director other = director(DirectorMembership.builder().secret(SECRET), TestTls.server());
        int port = first.server.port();
        String firstSeed = first.seed();
        MemberId firstId = MemberId.of(firstSeed);
        RpcServer server = RpcServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0)).tls(TestTls.server())
                .shutdownGracePeriod(Duration.ofMillis(200)).addService(EchoService.class, new EchoServiceImpl())
                .build().start();
        toClose.add(server);
        WorkerMembershipAgent agent = WorkerMembershipAgent.builder().memberId("w1")
                .advertisedAddress("localhost:" + server.port()).seeds(List.of(firstSeed, other.seed()))
                .secret(SECRET).tls(TestTls.client()).maxBackoff(Duration.ofSeconds(1)).build();
        toClose.add(agent);
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
        Director second = director(DirectorMembership.builder().secret(SECRET), TestTls.server(), port);
        await().atMost(Duration.ofSeconds(8)).until(() -> second.membership.member(MemberId.of("w1"))
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
        Director director = director(DirectorMembership.builder().secret(SECRET), TestTls.server(), 0, stall);
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        director.membership.subscribe(events::add);
        Worker w = worker("w1", Map.of("role", "worker"), director, SECRET, null);
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

    @Test
    void tagUpdatesReachTheDirectorAndAWorkerCanJoinAgainAfterLeaving() throws Exception {
        Director director = director(DirectorMembership.builder().secret(SECRET), TestTls.server());
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        director.membership.subscribe(events::add);
        Worker w = worker("w1", Map.of("role", "worker", "zone", "eu"), director, SECRET, null);
        w.agent.join().toCompletableFuture().get(5, TimeUnit.SECONDS);

        w.agent.updateTags(Map.of("role", "worker", "zone", "us")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(member(director, "w1").tags()).isEqualTo(Map.of("role", "worker", "zone", "us"));
        assertThat(director.membership.registry().alive(TagFilter.parse("zone=us"))).hasSize(1);

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

    // ---- fixtures ----

    private record Director(RpcServer server, DirectorMembership membership) implements AutoCloseable {
        String seed() {
            return "localhost:" + server.port();
        }

        @Override
        public void close() {
            membership.close();
            server.close();
        }
    }

    private final class Worker {
        final RpcServer server;
        final WorkerMembershipAgent agent;

        Worker(String id, Map<String, String> tags, Director director, String secret, Supplier<MemberLoad> load,
               long incarnation) {
            this.server = RpcServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0)).tls(TestTls.server())
                    .shutdownGracePeriod(Duration.ofMillis(200)).addService(EchoService.class, new EchoServiceImpl())
                    .build().start();
            toClose.add(server);
            WorkerMembershipAgent.Builder b = WorkerMembershipAgent.builder().memberId(id)
                    .advertisedAddress(address()).tags(tags).seed(director.seed()).tls(TestTls.client())
                    .heartbeatInterval(HEARTBEAT).load(load != null ? load : WorkerMembershipAgent.inFlightCallsOf(server));
            if (secret != null) {
                b.secret(secret);
            }
            if (incarnation >= 0) {
                b.incarnation(incarnation);
            }
            this.agent = b.build();
            toClose.add(agent);
        }

        String address() {
            return "localhost:" + server.port();
        }

        void crash() {
            agent.closeAbruptly();
            server.shutdown(Duration.ZERO);
        }

        void stop() throws Exception {
            agent.leave().toCompletableFuture().get(5, TimeUnit.SECONDS);
            agent.close();
            server.close();
        }
    }

    private Director director(DirectorMembership.Builder builder, ServerTls tls) {
        return director(builder, tls, 0);
    }

    private Director director(DirectorMembership.Builder builder, ServerTls tls, int port,
                              ServerInterceptor... interceptors) {
        DirectorMembership membership = builder.build().start();
        RpcServer.Builder server = RpcServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", port)).tls(tls)
                .shutdownGracePeriod(Duration.ofMillis(200)).addService(MembershipService.class, membership);
        for (ServerInterceptor i : interceptors) {
            server.interceptor(i);
        }
        return director(server.build().start(), membership);
    }

    private Director director(RpcServer server, DirectorMembership membership) {
        Director d = new Director(server, membership);
        toClose.add(d);
        return d;
    }

    private Worker worker(String id, Map<String, String> tags, Director director, String secret,
                          Supplier<MemberLoad> load) {
        return new Worker(id, tags, director, secret, load, -1);
    }

    private Worker worker(String id, Map<String, String> tags, Director director, String secret,
                          Supplier<MemberLoad> load, long incarnation) {
        return new Worker(id, tags, director, secret, load, incarnation);
    }

    private WorkerMembershipAgent agent(String id, Director director, String secret, ClientTls tls) {
        WorkerMembershipAgent.Builder b = WorkerMembershipAgent.builder().memberId(id).advertisedAddress("127.0.0.1:9")
                .seed(director.seed()).tls(tls).maxBackoff(Duration.ofMillis(300));
        if (secret != null) {
            b.secret(secret);
        }
        WorkerMembershipAgent agent = b.build();
        toClose.add(agent);
        return agent;
    }

    private EchoService call(String address) {
        int colon = address.lastIndexOf(':');
        RpcClient client = RpcClient.builder().target(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))).tls(TestTls.client())
                .defaultTimeout(Duration.ofSeconds(5)).build();
        toClose.add(client);
        return client.proxy(EchoService.class);
    }

    private static Member member(Director director, String id) {
        return director.membership.member(MemberId.of(id)).orElseThrow(() -> new AssertionError("no member " + id));
    }

    private static List<Type> typesOf(List<ClusterEvent> events, String id) {
        return events.stream().filter(e -> e.member() != null && e.member().id().value().equals(id))
                .map(ClusterEvent::type).toList();
    }

    private static Throwable exceptionOf(WorkerMembershipAgent agent) {
        CompletableFuture<Void> f = agent.join().toCompletableFuture();
        try {
            f.get(1, TimeUnit.SECONDS);
            throw new AssertionError("join of " + agent.localMember() + " succeeded");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JoinRequest joinRequest(String id, String address, long incarnation, String nonce, String proof) {
        return new JoinRequest(id, address, Map.of("role", "worker"), incarnation, 1, 0, 0, nonce, proof);
    }

    private static void assertUnauthenticated(Runnable call, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.UNAUTHENTICATED);
            assertThat(e.status().message()).contains(messagePart);
        });
    }

    /** A wall clock the test moves forward. */
    private static final class ManualClock extends Clock {
        private final AtomicLong offsetMillis = new AtomicLong();

        void advance(Duration d) {
            offsetMillis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offsetMillis.get());
        }
    }

    /** The test leaf (serverAuth + clientAuth) as a client identity. */
    private static KeyManagerFactory identity() throws Exception {
        List<Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(TestTls.file("server.pem"))) {
            chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        String pem = Files.readString(TestTls.file("server.key"), StandardCharsets.US_ASCII);
        byte[] der = Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        char[] password = "test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        return kmf;
    }
}
