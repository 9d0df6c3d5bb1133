package io.rpcnet.cluster.membership;

import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.membership.MembershipCluster.Director;
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
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.rpcnet.cluster.membership.MembershipCluster.SECRET;
import static io.rpcnet.cluster.membership.MembershipCluster.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The credentials of the membership protocol, driven call by call against a director over real QUIC + TLS
 * on 127.0.0.1: challenge nonces are single-use, bound to a member and expire; join proofs cover every
 * field; member tokens are bound to member and incarnation, cannot be tampered with or extended, and expire.
 */
@Timeout(60)
class MemberCredentialTest {

    private final MembershipCluster cluster = new MembershipCluster();

    @AfterEach
    void closeAll() {
        cluster.close();
    }

    @Test
    void forgedExpiredAndReusedCredentialsAreRefused() {
        ManualClock clock = new ManualClock();
        Director director = cluster.director(DirectorMembership.builder().secret(SECRET).clock(clock)
                .tokenTtl(Duration.ofSeconds(30)).challengeTtl(Duration.ofSeconds(10)), TestTls.server());
        RpcClient client = cluster.closeAtEnd(RpcClient.builder().target("localhost", director.server().port())
                .tls(TestTls.client()).defaultTimeout(Duration.ofSeconds(5)).build());
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
        assertThat(director.membership().members()).extracting(m -> m.id().value()).containsExactly("m1");
        assertThat(director.membership().refusedJoins()).isEqualTo(4);
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
}
