package io.rpcnet.migration.coordinator;

import java.time.Duration;
import java.util.Objects;

/**
 * How the coordinator runs migrations ({@code rpcnet.migration.*} in Spring).
 *
 * @param pauseBudget       longest a session's calls may be held at the cut-over (in-flight calls finishing,
 *                          final delta, commit); beyond it the migration rolls back (PAUSE_BUDGET_EXCEEDED)
 * @param maxConcurrent     migrations running at once; more wait in line
 * @param timeout           longest one migration may take from start to finish
 * @param stepTimeout       longest one call to a worker may take outside the cut-over
 * @param catchUpLag        the cut-over starts once a catch-up round ships at most this many changes
 * @param catchUpMaxRounds  catch-up rounds before the cut-over starts anyway
 * @param maxBaseCopies     base copies allowed when a worker's change log no longer reaches the staged version
 * @param inlineBytes       snapshot bytes returned with the base export itself (small sessions: one round trip)
 * @param chunkBatchBytes   snapshot bytes per relay call afterwards
 * @param drainRounds       passes over a worker's sessions during a drain (sessions opened meanwhile)
 * @param drainTimeout      longest a drain may take
 * @param interruptStreamsOnDrain whether a drain, when a session failed to move because its streaming calls
 *                          did not end within the pause budget, retries it interrupting those streams (their
 *                          clients get UNAVAILABLE marked {@code rpcnet-stream-interrupted: migration} and re-open
 *                          them); single migrations never interrupt streams
 */
public record MigrationSettings(Duration pauseBudget, int maxConcurrent, Duration timeout, Duration stepTimeout,
                                int catchUpLag, int catchUpMaxRounds, int maxBaseCopies, long inlineBytes,
                                long chunkBatchBytes, int drainRounds, Duration drainTimeout,
                                boolean interruptStreamsOnDrain) {

    public MigrationSettings {
        positive("pauseBudget", pauseBudget);
        positive("timeout", timeout);
        positive("stepTimeout", stepTimeout);
        positive("drainTimeout", drainTimeout);
        if (maxConcurrent < 1 || catchUpLag < 0 || catchUpMaxRounds < 0 || maxBaseCopies < 1 || inlineBytes < 0
                || chunkBatchBytes < 1 || drainRounds < 1) {
            throw new IllegalArgumentException("invalid migration settings: maxConcurrent=" + maxConcurrent
                    + " catchUpLag=" + catchUpLag + " catchUpMaxRounds=" + catchUpMaxRounds + " maxBaseCopies="
                    + maxBaseCopies + " inlineBytes=" + inlineBytes + " chunkBatchBytes=" + chunkBatchBytes
                    + " drainRounds=" + drainRounds);
        }
    }

    /**
     * 50 ms pause budget, 16 at once, 30 s per migration, 5 s per step, lag 16, 8 rounds, 3 base copies; drains
     * interrupt streams that keep a session from moving.
     */
    public static MigrationSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().pauseBudget(pauseBudget).maxConcurrent(maxConcurrent).timeout(timeout)
                .stepTimeout(stepTimeout).catchUpLag(catchUpLag).catchUpMaxRounds(catchUpMaxRounds)
                .maxBaseCopies(maxBaseCopies).inlineBytes(inlineBytes).chunkBatchBytes(chunkBatchBytes)
                .drainRounds(drainRounds).drainTimeout(drainTimeout).interruptStreamsOnDrain(interruptStreamsOnDrain);
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** Builds {@link MigrationSettings} from the defaults. */
    public static final class Builder {
        private Duration pauseBudget = Duration.ofMillis(50);
        private int maxConcurrent = 16;
        private Duration timeout = Duration.ofSeconds(30);
        private Duration stepTimeout = Duration.ofSeconds(5);
        private int catchUpLag = 16;
        private int catchUpMaxRounds = 8;
        private int maxBaseCopies = 3;
        private long inlineBytes = 256 * 1024;
        private long chunkBatchBytes = 1024 * 1024;
        private int drainRounds = 3;
        private Duration drainTimeout = Duration.ofMinutes(5);
        private boolean interruptStreamsOnDrain = true;

        private Builder() {
        }

        public Builder pauseBudget(Duration v) { pauseBudget = v; return this; }
        public Builder maxConcurrent(int v) { maxConcurrent = v; return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }
        public Builder stepTimeout(Duration v) { stepTimeout = v; return this; }
        public Builder catchUpLag(int v) { catchUpLag = v; return this; }
        public Builder catchUpMaxRounds(int v) { catchUpMaxRounds = v; return this; }
        public Builder maxBaseCopies(int v) { maxBaseCopies = v; return this; }
        public Builder inlineBytes(long v) { inlineBytes = v; return this; }
        public Builder chunkBatchBytes(long v) { chunkBatchBytes = v; return this; }
        public Builder drainRounds(int v) { drainRounds = v; return this; }
        public Builder drainTimeout(Duration v) { drainTimeout = v; return this; }
        /** Whether a drain's retry may interrupt a session's long-lived streams (default true). */
        public Builder interruptStreamsOnDrain(boolean v) { interruptStreamsOnDrain = v; return this; }

        public MigrationSettings build() {
            return new MigrationSettings(pauseBudget, maxConcurrent, timeout, stepTimeout, catchUpLag,
                    catchUpMaxRounds, maxBaseCopies, inlineBytes, chunkBatchBytes, drainRounds, drainTimeout,
                    interruptStreamsOnDrain);
        }
    }
}
