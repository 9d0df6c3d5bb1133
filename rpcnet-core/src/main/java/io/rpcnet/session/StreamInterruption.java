package io.rpcnet.session;

import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;

/**
 * A streaming call that the director ended because its session is moving to another worker
 * ({@code PROTOCOL.md} §14.1): STATUS UNAVAILABLE with the trailer {@value #TRAILER} = {@value #MIGRATION}.
 * Only the stream ended: the session continues, and a stream re-opened with the same session id runs on
 * the session's new worker. A client tells this apart from other UNAVAILABLEs with {@link #isMigration}:
 *
 * <pre>{@code
 * public void onError(Throwable error) {
 *     if (StreamInterruption.isMigration(error)) {
 *         resubscribe(); // same session id
 *     }
 * }
 * }</pre>
 */
public final class StreamInterruption {

    /** Trailer naming why the director interrupted the stream. */
    public static final String TRAILER = "rpcnet-stream-interrupted";
    /** Value of {@link #TRAILER}: the session is moving to another worker. */
    public static final String MIGRATION = "migration";

    private StreamInterruption() {
    }

    /**
     * The status a stream of {@code sessionId} ends with while the session moves from {@code source} to
     * {@code target} ({@code why}: e.g. {@code drain}).
     */
    public static Status status(String sessionId, String source, String target, String why) {
        return Status.of(StatusCode.UNAVAILABLE, "stream interrupted: session " + sessionId + " is moving from worker "
                + source + " to " + target + " (" + why + "); the session continues, re-open the stream");
    }

    /** New trailers marking the interruption: {@value #TRAILER} = {@value #MIGRATION}. */
    public static Metadata trailers() {
        return new Metadata().put(TRAILER, MIGRATION);
    }

    /** Whether a call ended with UNAVAILABLE and trailers marking a migration's interruption. */
    public static boolean isMigration(Status status, Metadata trailers) {
        return status != null && status.code() == StatusCode.UNAVAILABLE && trailers != null
                && MIGRATION.equals(trailers.get(TRAILER));
    }

    /** Whether {@code error} (as a client's observer receives it) is a migration's interruption of the stream. */
    public static boolean isMigration(Throwable error) {
        return error instanceof RpcException e && isMigration(e.status(), e.trailers());
    }
}
