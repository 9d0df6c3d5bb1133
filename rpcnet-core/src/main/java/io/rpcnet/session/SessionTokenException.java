package io.rpcnet.session;

import java.util.Objects;

/** A resume token was refused; {@link #code()} says why (safe to log: it never contains the token). */
public final class SessionTokenException extends RuntimeException {

    /** Why a token was refused. */
    public enum Code {
        /** Not a token of this format (bad structure, encoding or payload). */
        MALFORMED,
        /** Signed with a key id this node does not know (never issued here, or retired by rotation). */
        UNKNOWN_KEY,
        /** The signature does not match: forged or altered. */
        BAD_SIGNATURE,
        /** Past its expiry. */
        EXPIRED,
        /** Issued for an older epoch than the session's current one: the owner it names is stale. */
        STALE_EPOCH,
        /** Issued for a newer epoch than the verifier knows: the verifier's view is stale. */
        FUTURE_EPOCH
    }

    private final Code code;

    public SessionTokenException(Code code, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
