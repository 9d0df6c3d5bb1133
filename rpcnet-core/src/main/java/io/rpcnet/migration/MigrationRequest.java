package io.rpcnet.migration;

import io.rpcnet.migration.internal.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A request to move one session from a source worker to a target worker: what the director (or an
 * operator, or a client in direct mode) hands to the coordinator, and what the migration token binds.
 *
 * @param migrationId   unique id of this migration
 * @param sessionId     the session to move
 * @param sourceWorker  the worker owning the session now
 * @param targetWorker  the worker that should own it afterwards; differs from the source
 * @param requestedBy   who asked
 * @param reason        free text for operators, e.g. {@code "drain"}; never null, may be empty
 * @param expectedEpoch the session epoch the requester saw; the source refuses if it has moved on
 * @param requestedAt   when the request was made
 * @param timeout       how long the whole migration may take
 */
public record MigrationRequest(String migrationId, String sessionId, String sourceWorker, String targetWorker,
                               MigrationParty requestedBy, String reason, long expectedEpoch,
                               Instant requestedAt, Duration timeout) {

    /** Default for {@link #timeout()}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public MigrationRequest {
        Ids.require("migrationId", migrationId);
        Ids.require("sessionId", sessionId);
        Ids.require("sourceWorker", sourceWorker);
        Ids.require("targetWorker", targetWorker);
        if (sourceWorker.equals(targetWorker)) {
            throw new IllegalArgumentException("source and target worker are both '" + sourceWorker + "'");
        }
        Objects.requireNonNull(requestedBy, "requestedBy");
        reason = reason == null ? "" : reason;
        if (expectedEpoch < 0) {
            throw new IllegalArgumentException("expectedEpoch must be >= 0, got " + expectedEpoch);
        }
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** When the migration must have finished: {@code requestedAt + timeout}. */
    public Instant deadline() {
        return requestedAt.plus(timeout);
    }

    /** A builder; {@code requestedBy} defaults to {@link MigrationParty#DIRECTOR}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MigrationRequest}; validation happens in {@link #build()}. */
    public static final class Builder {
        private String migrationId;
        private String sessionId;
        private String sourceWorker;
        private String targetWorker;
        private MigrationParty requestedBy = MigrationParty.DIRECTOR;
        private String reason = "";
        private long expectedEpoch;
        private Instant requestedAt;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {
        }

        public Builder migrationId(String v) { this.migrationId = v; return this; }
        public Builder sessionId(String v) { this.sessionId = v; return this; }
        public Builder sourceWorker(String v) { this.sourceWorker = v; return this; }
        public Builder targetWorker(String v) { this.targetWorker = v; return this; }
        public Builder requestedBy(MigrationParty v) { this.requestedBy = v; return this; }
        public Builder reason(String v) { this.reason = v; return this; }
        public Builder expectedEpoch(long v) { this.expectedEpoch = v; return this; }
        public Builder requestedAt(Instant v) { this.requestedAt = v; return this; }
        public Builder timeout(Duration v) { this.timeout = v; return this; }

        public MigrationRequest build() {
            return new MigrationRequest(migrationId, sessionId, sourceWorker, targetWorker, requestedBy, reason,
                    expectedEpoch, requestedAt, timeout);
        }
    }
}
