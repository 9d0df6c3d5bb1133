package io.rpcnet.boot.autoconfigure.migration;

import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.migration.coordinator.MigrationSettings;
import io.rpcnet.migration.crypto.KeyRing;
import io.rpcnet.migration.serialization.Compression;
import io.rpcnet.migration.serialization.SerializationConfig;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.migration.token.TokenConfig;
import org.springframework.util.unit.DataSize;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/** Turns {@code rpcnet.migration.*} into the core's settings, with errors naming the property. */
final class MigrationConfigs {

    private static final String P = "rpcnet.migration.";

    private MigrationConfigs() {
    }

    /** The coordinator's settings (director). */
    static MigrationSettings settings(RpcMigrationProperties p) {
        positive("pause-budget", p.getPauseBudget());
        positive("timeout", p.getTimeout());
        positive("step-timeout", p.getStepTimeout());
        p.requireDrainTimeout();
        atLeast("max-concurrent", p.getMaxConcurrent(), 1);
        atLeast("catch-up-lag", p.getCatchUpLag(), 0);
        atLeast("catch-up-max-rounds", p.getCatchUpMaxRounds(), 0);
        atLeast("max-base-copies", p.getMaxBaseCopies(), 1);
        atLeast("drain-rounds", p.getDrainRounds(), 1);
        return MigrationSettings.builder()
                .pauseBudget(p.getPauseBudget())
                .maxConcurrent(p.getMaxConcurrent())
                .timeout(p.getTimeout())
                .stepTimeout(p.getStepTimeout())
                .catchUpLag(p.getCatchUpLag())
                .catchUpMaxRounds(p.getCatchUpMaxRounds())
                .maxBaseCopies(p.getMaxBaseCopies())
                .drainRounds(p.getDrainRounds())
                .drainTimeout(p.getDrainTimeout())
                .interruptStreamsOnDrain(p.isDrainInterruptsStreams())
                .build();
    }

    /** How workers compress and bound snapshots. */
    static SerializationConfig serialization(RpcMigrationProperties p) {
        Compression compression = p.getCompression();
        if (compression == null) {
            throw new InvalidRpcPropertyException(P + "compression", null, "must be one of NONE, GZIP, ZSTD");
        }
        Integer level = p.getCompressionLevel();
        if (level != null && compression != Compression.NONE
                && (level < compression.minLevel() || level > compression.maxLevel())) {
            throw new InvalidRpcPropertyException(P + "compression-level", level, "must be between "
                    + compression.minLevel() + " and " + compression.maxLevel() + " for " + compression);
        }
        long chunk = bytes(p.getChunkSize());
        if (chunk < SerializationConfig.MIN_CHUNK_SIZE || chunk > SerializationConfig.MAX_CHUNK_SIZE) {
            throw new InvalidRpcPropertyException(P + "chunk-size", p.getChunkSize(), "must be between 1KB and 16MB");
        }
        long max = bytes(p.getMaxStateSize());
        if (max < 1 || max > SerializationConfig.MAX_MAX_SNAPSHOT_BYTES) {
            throw new InvalidRpcPropertyException(P + "max-state-size", p.getMaxStateSize(),
                    "must be between 1B and 2GB");
        }
        SerializationConfig.Builder b = SerializationConfig.builder().compression(compression)
                .chunkSize((int) chunk).maxSnapshotBytes(max);
        if (level != null) {
            b.level(level);
        }
        return b.build();
    }

    /** Token lifetimes and limits. */
    static TokenConfig tokenConfig(RpcMigrationProperties p) {
        RpcMigrationProperties.Token t = p.getToken();
        positive("token.ttl", t.getTtl());
        if (!(t.getRatePerSecond() > 0) || Double.isInfinite(t.getRatePerSecond())) {
            throw new InvalidRpcPropertyException(P + "token.rate-per-second", t.getRatePerSecond(),
                    "must be a positive number");
        }
        atLeast("token.burst", t.getBurst(), 1);
        Duration maxTtl = t.getTtl().compareTo(Duration.ofMinutes(10)) > 0 ? t.getTtl() : Duration.ofMinutes(10);
        return TokenConfig.builder().ttl(t.getTtl()).maxTtl(maxTtl).ratePerSecond(t.getRatePerSecond())
                .burst(t.getBurst()).build();
    }

    /** A token manager of its own on {@code keys} (each node needs its own replay guard). */
    static MigrationTokenManager tokenManager(KeyRing keys, RpcMigrationProperties p) {
        return new MigrationTokenManager(keys, tokenConfig(p), Clock.systemUTC(), new SecureRandom());
    }

    static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidRpcPropertyException(P + name, value, "must be a positive duration");
        }
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new InvalidRpcPropertyException(P + name, value, "must be at least " + min);
        }
    }

    private static long bytes(DataSize size) {
        return size == null ? -1 : size.toBytes();
    }
}
