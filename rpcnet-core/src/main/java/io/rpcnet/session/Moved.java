package io.rpcnet.session;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;

import java.util.Optional;

/**
 * The MOVED answer a worker gives for a session it no longer owns: STATUS {@link StatusCode#MOVED} with the
 * new owner's member id in the trailer {@value #OWNER_TRAILER} (and, optionally, the new epoch in
 * {@value #EPOCH_TRAILER}); a worker that cannot set trailers (a handler throwing) ends the message with
 * {@value #MESSAGE_MARKER}{@code <member id>}, as {@link #status} does. The trailer wins when both are present. The director re-routes such a call once; a client never sees MOVED from a
 * director unless the re-route fails too.
 */
public final class Moved {

    /** Trailer naming the session's new owner (a member id). */
    public static final String OWNER_TRAILER = "rpcnet-moved-to";
    /** Trailer carrying the new owner's epoch (decimal), when the old owner knows it. */
    public static final String EPOCH_TRAILER = "rpcnet-moved-epoch";

    /** Marker before the new owner's id at the end of a MOVED message. */
    public static final String MESSAGE_MARKER = " moved to ";

    private Moved() {
    }

    /** The status of a MOVED answer. */
    public static Status status(String sessionId, MemberId newOwner) {
        return Status.of(StatusCode.MOVED, "session '" + sessionId + "'" + MESSAGE_MARKER + newOwner.value());
    }

    /** The trailers of a MOVED answer. */
    public static Metadata trailers(MemberId newOwner, long epoch) {
        Metadata m = new Metadata().put(OWNER_TRAILER, newOwner.value());
        if (epoch >= 0) {
            m.put(EPOCH_TRAILER, Long.toString(epoch));
        }
        return m;
    }

    /** The new owner named by a MOVED answer (trailer first, then message), if any. */
    public static Optional<MemberId> newOwner(Status status, Metadata trailers) {
        Optional<MemberId> named = newOwner(trailers);
        if (named.isPresent() || status == null) {
            return named;
        }
        int at = status.message().lastIndexOf(MESSAGE_MARKER);
        return at < 0 ? Optional.empty() : parse(status.message().substring(at + MESSAGE_MARKER.length()));
    }

    /** The new owner named by a MOVED answer's trailers, if any. */
    public static Optional<MemberId> newOwner(Metadata trailers) {
        return parse(trailers == null ? null : trailers.get(OWNER_TRAILER));
    }

    private static Optional<MemberId> parse(String owner) {
        if (owner == null || owner.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MemberId.of(owner.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
