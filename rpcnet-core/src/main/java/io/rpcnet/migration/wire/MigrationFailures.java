package io.rpcnet.migration.wire;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;

import java.util.Optional;

/**
 * How a {@link MigrationError} crosses the wire of {@link MigrationProtocol}: as STATUS
 * {@code FAILED_PRECONDITION} whose message starts with the error's name and a colon
 * ({@code "STATE_CORRUPTION: chunk 3 failed its checksum"}), so the coordinator recovers the precise cause
 * without a side channel and operators read it in logs as it is.
 */
public final class MigrationFailures {

    private MigrationFailures() {
    }

    /** The wire form of a migration failure. */
    public static RpcException toRpc(MigrationException e) {
        String prefix = e.error().name() + ": ";
        String m = e.getMessage();
        return toRpc(e.error(), m.startsWith(prefix) ? m.substring(prefix.length()) : m);
    }

    /** The wire form of {@code error} with {@code message}. */
    public static RpcException toRpc(MigrationError error, String message) {
        return new RpcException(Status.of(StatusCode.FAILED_PRECONDITION, error.name() + ": " + message));
    }

    /** The migration error a status carries, if it is one written by {@link #toRpc}. */
    public static Optional<MigrationError> errorOf(Status status) {
        if (status == null || status.code() != StatusCode.FAILED_PRECONDITION) {
            return Optional.empty();
        }
        String m = status.message();
        int colon = m.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(MigrationError.valueOf(m.substring(0, colon)));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    /**
     * The migration error for a failed call to a worker: the one it carries, else {@code otherwise} (for
     * example TARGET_UNAVAILABLE when the target did not answer), as an exception with the status message.
     */
    public static MigrationException fromRpc(RpcException e, MigrationError otherwise, String step) {
        MigrationError error = errorOf(e.status()).orElse(otherwise);
        String m = e.status().message();
        String prefix = error.name() + ": ";
        return new MigrationException(error, step + ": " + (m.startsWith(prefix) ? m.substring(prefix.length())
                : e.status().code() + " " + m), e);
    }
}
