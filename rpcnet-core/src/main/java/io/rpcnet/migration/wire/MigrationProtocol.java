package io.rpcnet.migration.wire;

import io.rpcnet.service.RpcName;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The internal RPC service through which a director moves a session between two workers. Every worker
 * that holds sessions serves it (wire name {@code RpcNetMigration}); only the coordinator on the director
 * calls it. See PROTOCOL.md, "Live migration".
 *
 * <p>Sequence for one migration {@code m} of session {@code s} from source A to target B:
 * <ol>
 *   <li>B {@link #prepare}: verifies the migration token and reserves {@code s} (ALREADY_MIGRATING if it is
 *       already importing it).</li>
 *   <li>A {@link #exportBase}: verifies the token, captures a snapshot at version v0, seals it (serialized,
 *       compressed, AES-GCM per chunk, bound to {@code m} and {@code s}) and returns the manifest with the
 *       first chunks; {@link #exportChunks} returns the rest. B {@link #importBase} takes them, verifies
 *       every check and stages the session (not served yet).</li>
 *   <li>A {@link #exportDelta} / B {@link #applyDelta}: sealed changes after the staged version, repeated
 *       while the session changes (catch-up).</li>
 *   <li>With new calls held on the director and in-flight ones finished: A {@link #freeze} (stops serving
 *       {@code s}, returns the final sealed delta and application state); B {@link #commit} applies it and
 *       starts serving {@code s} at the new epoch; A {@link #handOver} drops it and answers MOVED for a
 *       grace period.</li>
 *   <li>On any failure: B {@link #abort} discards everything, A {@link #abort} unfreezes and keeps serving.</li>
 * </ol>
 * Errors travel as status codes: FAILED_PRECONDITION with a {@code MigrationError} name first in the message
 * (for example {@code "STATE_CORRUPTION: ..."}). Binary fields are base64 in JSON.
 */
@RpcName("RpcNetMigration")
public interface MigrationProtocol {

    /** On the target: verify the token and reserve the session for this migration. */
    Ack prepare(Prepare request);

    /** On the source: verify the token and seal a snapshot of the session's current state. */
    BaseExport exportBase(ExportBase request);

    /** On the source: further chunks of the sealed snapshot of {@link #exportBase}. */
    Chunks exportChunks(ChunkRange request);

    /** On the target: a batch of the sealed snapshot (the manifest with the first, the digest with the last). */
    Ack importBase(BaseImport request);

    /** On the source: the sealed changes after {@code fromVersion} (or {@code truncated}: base copy again). */
    Delta exportDelta(DeltaRequest request);

    /** On the target: apply a sealed delta to the staged session. */
    Ack applyDelta(DeltaApply request);

    /**
     * On the source: stop serving the session and return the final sealed delta with application state.
     * Asynchronous so a worker can answer on its I/O thread: it runs inside the cut-over pause, where every
     * thread hand-off is latency.
     */
    CompletableFuture<Delta> freeze(DeltaRequest request);

    /**
     * On the target: apply the final delta and application state, then serve the session at {@code newEpoch}.
     * Asynchronous for the same reason as {@link #freeze}.
     */
    CompletableFuture<Ack> commit(Commit request);

    /** On the source after a commit: drop the session, answering MOVED (to the target) for a grace period. */
    Ack handOver(HandOver request);

    /** On either side: roll back this migration (target discards, source unfreezes). Idempotent. */
    Ack abort(Abort request);

    /**
     * The sessions this worker holds (id → epoch), so a restarted director can rebuild its routing table
     * from the workers, which are the authority. Needs a token for request id, session {@code "*"}, source =
     * this worker and target {@value #DIRECTOR_TARGET}: session ids are bearer credentials.
     */
    SessionList listSessions(ListSessions request);

    /** The token target of {@link #listSessions}. */
    String DIRECTOR_TARGET = "director";

    /**
     * @param migrationId   the migration
     * @param sessionId     the session
     * @param sourceWorker  the current owner
     * @param targetWorker  the receiving worker
     * @param expectedEpoch the epoch the director routes the session at
     * @param token         the migration token ({@code MigrationTokenManager}); never logged
     */
    record Prepare(String migrationId, String sessionId, String sourceWorker, String targetWorker,
                   long expectedEpoch, String token) {
        @Override
        public String toString() {
            return "Prepare[" + migrationId + " " + sessionId + " " + sourceWorker + "->" + targetWorker + " epoch="
                    + expectedEpoch + " token=***]";
        }
    }

    /** Same fields as {@link Prepare}; the source checks it owns the session at {@code expectedEpoch}. */
    record ExportBase(String migrationId, String sessionId, String sourceWorker, String targetWorker,
                      long expectedEpoch, String token, long inlineBytes) {
        @Override
        public String toString() {
            return "ExportBase[" + migrationId + " " + sessionId + " " + sourceWorker + "->" + targetWorker
                    + " epoch=" + expectedEpoch + " token=***]";
        }
    }

    /**
     * @param version    the session version the snapshot was taken at
     * @param stateBytes the snapshot's encoded size (before compression)
     * @param manifest   the encoded {@code SnapshotManifest}
     * @param chunkCount how many chunks there are
     * @param digest     SHA-256 over manifest and chunk payloads
     * @param chunks     the first chunks, as {@code SnapshotChunk} frames, up to the requested inline bytes
     */
    record BaseExport(long version, long stateBytes, byte[] manifest, int chunkCount, byte[] digest,
                      List<byte[]> chunks) {
    }

    /** Chunks {@code from} .. while their size stays under {@code maxBytes} (at least one). */
    record ChunkRange(String migrationId, int from, long maxBytes) {
    }

    /** Chunk frames in order, starting at {@code from}. */
    record Chunks(int from, List<byte[]> chunks) {
    }

    /**
     * @param migrationId the migration
     * @param manifest    the encoded manifest on the first batch, else null
     * @param from        the sequence of the first chunk in this batch
     * @param chunks      chunk frames in order
     * @param digest      the digest on the last batch (then the target verifies and stages), else null
     * @param version     the snapshot's version (with the digest)
     */
    record BaseImport(String migrationId, byte[] manifest, int from, List<byte[]> chunks, byte[] digest,
                      long version) {
    }

    /** @param version the session version after the step (0 when not applicable) */
    record Ack(long version) {
    }

    /** The changes of the session after {@code fromVersion}. */
    record DeltaRequest(String migrationId, long fromVersion) {
    }

    /**
     * @param fromVersion the version the changes start after
     * @param toVersion   the session's version they reach
     * @param truncated   the source's change log no longer reaches {@code fromVersion}: copy the base again
     * @param sealed      the encrypted {@code DeltaCodec} form (null when truncated)
     */
    record Delta(long fromVersion, long toVersion, boolean truncated, byte[] sealed) {
    }

    record DeltaApply(String migrationId, long fromVersion, long toVersion, byte[] sealed) {
    }

    /** The final delta (from {@link #freeze}) and the epoch the target serves the session at from now on. */
    record Commit(String migrationId, long fromVersion, long toVersion, byte[] sealed, long newEpoch) {
    }

    record HandOver(String migrationId, String newOwner, long newEpoch) {
    }

    record Abort(String migrationId, String reason) {
    }

    record ListSessions(String requestId, String workerId, String token) {
        @Override
        public String toString() {
            return "ListSessions[" + requestId + " " + workerId + " token=***]";
        }
    }

    /** @param sessions the id and epoch of every session held */
    record SessionList(Map<String, Long> sessions) {
    }
}
