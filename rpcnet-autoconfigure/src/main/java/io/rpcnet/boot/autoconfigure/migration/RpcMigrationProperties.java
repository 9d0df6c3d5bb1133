package io.rpcnet.boot.autoconfigure.migration;

import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.migration.serialization.Compression;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * Live migration of sessions between workers, under {@code rpcnet.migration}. The director reads the
 * coordinator settings, workers the participant settings, both the keys.
 */
@ConfigurationProperties("rpcnet.migration")
public class RpcMigrationProperties {

    private static final Duration MAX_DRAIN_TIMEOUT = Duration.ofMinutes(10);

    /** Longest a session's calls may be held at the cut-over; beyond it the migration rolls back. */
    private Duration pauseBudget = Duration.ofMillis(50);

    /** Migrations the director runs at once; more wait in line. */
    private int maxConcurrent = 16;

    /** Longest one migration may take from start to finish. */
    private Duration timeout = Duration.ofSeconds(30);

    /** Longest one call to a worker may take outside the cut-over. */
    private Duration stepTimeout = Duration.ofSeconds(5);

    /** The cut-over starts once a catch-up round ships at most this many changes. */
    private int catchUpLag = 16;

    /** Catch-up rounds before the cut-over starts anyway. */
    private int catchUpMaxRounds = 8;

    /** Base copies allowed when the source's change log no longer reaches the copied version. */
    private int maxBaseCopies = 3;

    /** Passes over a worker's sessions during a drain (to catch sessions opened meanwhile). */
    private int drainRounds = 3;

    /** Longest a drain may take; also how long a worker waits for its drain on shutdown. */
    private Duration drainTimeout = Duration.ofMinutes(5);

    /** Whether a worker asks the director to move its sessions elsewhere before it stops. */
    private boolean drainOnShutdown = true;

    /**
     * Whether a drain may interrupt a session's long-lived streaming calls so the session can move: when a
     * session's migration ran out of pause budget with streams still open, the next drain round ends them
     * (UNAVAILABLE with the trailer rpcnet-stream-interrupted=migration; the client re-opens them on the new
     * worker). When false such a session stays on the drained worker. Single migrations never interrupt streams.
     */
    private boolean drainInterruptsStreams = true;

    /** Compression of session snapshots in transit. */
    private Compression compression = Compression.ZSTD;

    /** Compression level; the compression's fast default when unset (ZSTD -7..19, GZIP 1..9). */
    private Integer compressionLevel;

    /** Uncompressed bytes per snapshot chunk (1KB to 16MB). */
    private DataSize chunkSize = DataSize.ofMegabytes(1);

    /** Largest session snapshot a worker sends or accepts; larger sessions do not migrate (STATE_TOO_LARGE). */
    private DataSize maxStateSize = DataSize.ofMegabytes(64);

    /**
     * AES-256 key sealing session state between workers, base64 of 32 bytes (e.g. {@code openssl rand -base64
     * 32}); derived from {@code rpcnet.cluster.secret} when unset. Secret: never logged.
     */
    private String encryptionKey;

    /**
     * HMAC-SHA256 key signing migration tokens (director and workers), base64 of 32 bytes; derived from
     * {@code rpcnet.cluster.secret} when unset. Secret: never logged.
     */
    private String tokenKey;

    /** Id of the active keys, sent with every sealed message and token (changes with a key rotation). */
    private String keyId = "k1";

    /** How long a worker keeps a session frozen for a cut-over nobody finishes before it unfreezes it. */
    private Duration frozenTimeout = Duration.ofSeconds(10);

    /** How long a worker keeps an unfinished migration before it rolls it back. */
    private Duration staleTimeout = Duration.ofMinutes(2);

    private final Token token = new Token();

    public Duration getPauseBudget() {
        return pauseBudget;
    }

    public void setPauseBudget(Duration pauseBudget) {
        this.pauseBudget = pauseBudget;
    }

    public int getMaxConcurrent() {
        return maxConcurrent;
    }

    public void setMaxConcurrent(int maxConcurrent) {
        this.maxConcurrent = maxConcurrent;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration getStepTimeout() {
        return stepTimeout;
    }

    public void setStepTimeout(Duration stepTimeout) {
        this.stepTimeout = stepTimeout;
    }

    public int getCatchUpLag() {
        return catchUpLag;
    }

    public void setCatchUpLag(int catchUpLag) {
        this.catchUpLag = catchUpLag;
    }

    public int getCatchUpMaxRounds() {
        return catchUpMaxRounds;
    }

    public void setCatchUpMaxRounds(int catchUpMaxRounds) {
        this.catchUpMaxRounds = catchUpMaxRounds;
    }

    public int getMaxBaseCopies() {
        return maxBaseCopies;
    }

    public void setMaxBaseCopies(int maxBaseCopies) {
        this.maxBaseCopies = maxBaseCopies;
    }

    public int getDrainRounds() {
        return drainRounds;
    }

    public void setDrainRounds(int drainRounds) {
        this.drainRounds = drainRounds;
    }

    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    /**
     * The drain timeout, checked: positive and at most 10 minutes (the longest a director waits for a drain).
     *
     * @throws io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException naming the property otherwise
     */
    public Duration requireDrainTimeout() {
        if (drainTimeout == null || drainTimeout.isNegative() || drainTimeout.isZero()
                || drainTimeout.compareTo(MAX_DRAIN_TIMEOUT) > 0) {
            throw new InvalidRpcPropertyException("rpcnet.migration.drain-timeout", drainTimeout,
                    "must be a positive duration of at most 10m (the longest a director waits for a drain)");
        }
        return drainTimeout;
    }

    public boolean isDrainOnShutdown() {
        return drainOnShutdown;
    }

    public void setDrainOnShutdown(boolean drainOnShutdown) {
        this.drainOnShutdown = drainOnShutdown;
    }

    public boolean isDrainInterruptsStreams() {
        return drainInterruptsStreams;
    }

    public void setDrainInterruptsStreams(boolean drainInterruptsStreams) {
        this.drainInterruptsStreams = drainInterruptsStreams;
    }

    public Compression getCompression() {
        return compression;
    }

    public void setCompression(Compression compression) {
        this.compression = compression;
    }

    public Integer getCompressionLevel() {
        return compressionLevel;
    }

    public void setCompressionLevel(Integer compressionLevel) {
        this.compressionLevel = compressionLevel;
    }

    public DataSize getChunkSize() {
        return chunkSize;
    }

    public void setChunkSize(DataSize chunkSize) {
        this.chunkSize = chunkSize;
    }

    public DataSize getMaxStateSize() {
        return maxStateSize;
    }

    public void setMaxStateSize(DataSize maxStateSize) {
        this.maxStateSize = maxStateSize;
    }

    public String getEncryptionKey() {
        return encryptionKey;
    }

    public void setEncryptionKey(String encryptionKey) {
        this.encryptionKey = encryptionKey;
    }

    public String getTokenKey() {
        return tokenKey;
    }

    public void setTokenKey(String tokenKey) {
        this.tokenKey = tokenKey;
    }

    public String getKeyId() {
        return keyId;
    }

    public void setKeyId(String keyId) {
        this.keyId = keyId;
    }

    public Duration getFrozenTimeout() {
        return frozenTimeout;
    }

    public void setFrozenTimeout(Duration frozenTimeout) {
        this.frozenTimeout = frozenTimeout;
    }

    public Duration getStaleTimeout() {
        return staleTimeout;
    }

    public void setStaleTimeout(Duration staleTimeout) {
        this.staleTimeout = staleTimeout;
    }

    public Token getToken() {
        return token;
    }

    /** Keys are secrets: only the key id is shown. */
    @Override
    public String toString() {
        return "RpcMigrationProperties[keyId=" + keyId + ", encryptionKey=" + (encryptionKey == null ? "unset" : "***")
                + ", tokenKey=" + (tokenKey == null ? "unset" : "***") + "]";
    }

    /** Migration tokens: the single-use authorisation a worker checks before it takes part in a migration. */
    public static class Token {

        /** Lifetime of a token the director issues. */
        private Duration ttl = Duration.ofSeconds(60);

        /** Sustained token verifications per second a worker allows per source worker. */
        private double ratePerSecond = 1000;

        /** Token verifications a worker allows at once per source worker after a quiet period. */
        private int burst = 2000;

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public double getRatePerSecond() {
            return ratePerSecond;
        }

        public void setRatePerSecond(double ratePerSecond) {
            this.ratePerSecond = ratePerSecond;
        }

        public int getBurst() {
            return burst;
        }

        public void setBurst(int burst) {
            this.burst = burst;
        }
    }
}
