package io.rpcnet.migration;

import java.util.Objects;

/**
 * The one exception type of the migration building blocks: a {@link MigrationError} for programs and a
 * precise message for people. Messages never contain key material or session state.
 */
public class MigrationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final MigrationError error;

    public MigrationException(MigrationError error, String message) {
        this(error, message, null);
    }

    public MigrationException(MigrationError error, String message, Throwable cause) {
        super(error + ": " + Objects.requireNonNull(message, "message"), cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** The machine-readable cause. */
    public MigrationError error() {
        return error;
    }
}
