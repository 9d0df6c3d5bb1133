package io.rpcnet.cluster.membership;

import io.rpcnet.service.Blocking;
import io.rpcnet.service.RpcName;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The internal RPC service through which workers join a director, send heartbeats, ask to be drained and leave.
 * Served by {@link DirectorMembership} on the director's RpcServer under the wire name {@code RpcNetMembership};
 * called by {@link WorkerMembershipAgent}. Every message is a JSON record (see PROTOCOL.md, "Cluster membership").
 *
 * <p>Sequence: {@link #challenge} (a single-use nonce) → {@link #join} (HMAC-SHA256 proof of the cluster
 * secret over the nonce, member id, address and incarnation; or no proof when the director requires client
 * certificates) → a member token → {@link #heartbeat} every interval with the token and the load, each ack
 * renewing the token → (optionally {@link #drain} before a graceful shutdown) → {@link #leave}. Anything
 * unauthenticated fails with {@code UNAUTHENTICATED}.
 * The messages' {@code toString()} never shows proofs or tokens.
 */
@RpcName("RpcNetMembership")
public interface MembershipService {

    /** Asks for a single-use join nonce. Unauthenticated; the director keeps a bounded number of them. */
    JoinChallenge challenge(ChallengeRequest request);

    /**
     * Joins (or re-joins, or replaces tags/address/weight of) a member.
     *
     * @throws io.rpcnet.protocol.RpcException UNAUTHENTICATED without a valid proof, FAILED_PRECONDITION when
     *                                         the incarnation is stale or must be raised (the member is FAILED
     *                                         or LEFT at it), INVALID_ARGUMENT for a malformed request
     */
    JoinAccepted join(JoinRequest request);

    /**
     * Reports liveness and load.
     *
     * @throws io.rpcnet.protocol.RpcException UNAUTHENTICATED when the token is missing, forged, expired or
     *                                         does not belong to this member and incarnation
     */
    HeartbeatAck heartbeat(Heartbeat heartbeat);

    /** Leaves gracefully (the member becomes LEFT). Needs the member token like a heartbeat. */
    void leave(LeaveRequest request);

    /**
     * Asks the director to move every session of the member to other workers before it leaves (a graceful
     * shutdown, e.g. a rolling restart). Needs the member token like a heartbeat. The answer comes when the
     * director's {@link DrainHandler} finished, or at the request's timeout, or at once when the director runs no
     * migration coordinator; in the last two cases {@code drained} is false, which is not an error (the worker
     * leaves anyway). Asynchronous on the director: no thread waits for the drain; {@link Blocking} because
     * authenticating and starting the handler run on the handler executor, not the I/O thread.
     *
     * @throws io.rpcnet.protocol.RpcException UNAUTHENTICATED when the token is missing, forged, expired or does
     *                                         not belong to this member and incarnation; INVALID_ARGUMENT without a
     *                                         member id or with a timeout that is not positive
     */
    @Blocking
    CompletableFuture<DrainResult> drain(DrainRequest request);

    /** @param memberId the id the caller will join with; the nonce is bound to it */
    record ChallengeRequest(String memberId) {
    }

    /**
     * @param nonce     base64url of 32 random bytes, usable once
     * @param ttlMillis how long the nonce stays valid
     */
    record JoinChallenge(String nonce, long ttlMillis) {
    }

    /**
     * @param memberId       stable id of the worker
     * @param address        {@code host:port} of the worker's own RpcServer
     * @param tags           the worker's complete tag set
     * @param incarnation    grows with every restart; the director ignores older ones
     * @param weight         relative capacity, 1..1000
     * @param activeSessions current load: sessions owned
     * @param inFlightCalls  current load: calls executing
     * @param nonce          from {@link JoinChallenge}; {@code null} when joining on a client certificate
     * @param proof          {@link MembershipAuth#joinProof}; {@code null} when joining on a client certificate
     */
    record JoinRequest(String memberId, String address, Map<String, String> tags, long incarnation, int weight,
                       int activeSessions, int inFlightCalls, String nonce, String proof) {
        @Override
        public String toString() {
            return "JoinRequest[" + memberId + " " + address + " #" + incarnation + " " + tags + " weight=" + weight
                    + " load=" + activeSessions + "/" + inFlightCalls + (proof == null ? " no proof]" : " proof=***]");
        }
    }

    /**
     * @param result         what the registry did: {@code JOINED}, {@code UPDATED} or {@code RECOVERED}
     * @param token          the member token for heartbeats and leave (opaque)
     * @param tokenTtlMillis how long the token stays valid unless renewed by a heartbeat ack
     */
    record JoinAccepted(String result, String token, long tokenTtlMillis) {
        @Override
        public String toString() {
            return "JoinAccepted[" + result + " token=*** ttl=" + tokenTtlMillis + "ms]";
        }
    }

    /**
     * @param memberId       the member
     * @param incarnation    the incarnation the token was issued for
     * @param token          the latest member token
     * @param activeSessions current load: sessions owned
     * @param inFlightCalls  current load: calls executing
     */
    record Heartbeat(String memberId, long incarnation, String token, int activeSessions, int inFlightCalls) {
        @Override
        public String toString() {
            return "Heartbeat[" + memberId + " #" + incarnation + " load=" + activeSessions + "/" + inFlightCalls
                    + " token=***]";
        }
    }

    /**
     * @param action         what the worker must do next
     * @param token          a renewed member token ({@code null} unless {@code action} is {@code OK})
     * @param tokenTtlMillis validity of {@code token}
     */
    record HeartbeatAck(Action action, String token, long tokenTtlMillis) {
        @Override
        public String toString() {
            return "HeartbeatAck[" + action + (token == null ? "" : " token=***") + "]";
        }
    }

    /** The director's instruction in a {@link HeartbeatAck}. */
    enum Action {
        /** Heartbeat accepted; keep going. */
        OK,
        /** The director does not know this incarnation (forgotten) or has it FAILED/LEFT: join again with a higher one. */
        REJOIN,
        /** The director knows a higher incarnation of this member id (another process): heartbeat ignored. */
        STALE
    }

    /**
     * @param memberId    the member
     * @param incarnation the incarnation that leaves (a leave of an older process is ignored)
     * @param token       the latest member token
     */
    record LeaveRequest(String memberId, long incarnation, String token) {
        @Override
        public String toString() {
            return "LeaveRequest[" + memberId + " #" + incarnation + " token=***]";
        }
    }

    /**
     * @param memberId      the member to drain (the caller)
     * @param incarnation   the incarnation the token was issued for
     * @param token         the latest member token
     * @param timeoutMillis how long the director may take, &gt; 0; it waits at most {@link #MAX_TIMEOUT_MILLIS}
     */
    record DrainRequest(String memberId, long incarnation, String token, long timeoutMillis) {

        /** The longest a director waits for a drain (10 minutes); a longer timeout counts as this. */
        public static final long MAX_TIMEOUT_MILLIS = 10 * 60 * 1000L;

        @Override
        public String toString() {
            return "DrainRequest[" + memberId + " #" + incarnation + " timeout=" + timeoutMillis + "ms token=***]";
        }
    }

    /**
     * @param drained   whether every session of the member was moved (false when the director has no migration
     *                  coordinator, the drain timed out or failed)
     * @param migrated  sessions moved to other workers
     * @param failed    sessions whose move failed
     * @param remaining sessions still on the member when the drain ended
     * @param message   what happened, for operators
     */
    record DrainResult(boolean drained, int migrated, int failed, int remaining, String message) {
    }
}
