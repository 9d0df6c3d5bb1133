package io.rpcnet.migration.serialization;

import java.util.Objects;

/**
 * Settings of a {@link SerializationService}. Immutable; use {@link #builder()} or {@link #defaults()}.
 *
 * @param compression      chunk compression
 * @param level            compression level, within the compression's range
 * @param chunkSize        uncompressed bytes per chunk, {@value #MIN_CHUNK_SIZE} to {@value #MAX_CHUNK_SIZE};
 *                         bounds the memory a chunk takes on either side
 * @param maxSnapshotBytes the size cap: larger snapshots are refused before any work, on both sides
 * @param parallelism      chunks compressed or decompressed at once; 1 runs everything on the caller
 */
public record SerializationConfig(Compression compression, int level, int chunkSize, long maxSnapshotBytes,
                                  int parallelism) {

    public static final int MIN_CHUNK_SIZE = 1024;
    public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    public static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;
    public static final long DEFAULT_MAX_SNAPSHOT_BYTES = 64L * 1024 * 1024;
    /** Largest cap accepted: chunk counts and array sizes stay within {@code int}. */
    public static final long MAX_MAX_SNAPSHOT_BYTES = 1L << 31;

    public SerializationConfig {
        Objects.requireNonNull(compression, "compression");
        if (compression == Compression.NONE) {
            level = 0;
        } else if (level < compression.minLevel() || level > compression.maxLevel()) {
            throw new IllegalArgumentException(compression + " level must be " + compression.minLevel() + ".."
                    + compression.maxLevel() + ", got " + level);
        }
        if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize must be " + MIN_CHUNK_SIZE + ".." + MAX_CHUNK_SIZE
                    + " bytes, got " + chunkSize);
        }
        if (maxSnapshotBytes < 1 || maxSnapshotBytes > MAX_MAX_SNAPSHOT_BYTES) {
            throw new IllegalArgumentException("maxSnapshotBytes must be 1.." + MAX_MAX_SNAPSHOT_BYTES + ", got "
                    + maxSnapshotBytes);
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be 1..64, got " + parallelism);
        }
    }

    /** ZSTD at its default level, 1 MiB chunks, 64 MiB cap, parallelism {@code min(4, cpus)}. */
    public static SerializationConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder().compression(compression).chunkSize(chunkSize).maxSnapshotBytes(maxSnapshotBytes)
                .parallelism(parallelism);
        if (compression != Compression.NONE) {
            b.level(level);
        }
        return b;
    }

    /** Builds a {@link SerializationConfig}; the level defaults to the compression's default. */
    public static final class Builder {
        private Compression compression = Compression.ZSTD;
        private Integer level;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
        private long maxSnapshotBytes = DEFAULT_MAX_SNAPSHOT_BYTES;
        private int parallelism = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

        private Builder() {
        }

        public Builder compression(Compression c) { this.compression = c; return this; }
        public Builder level(int l) { this.level = l; return this; }
        public Builder chunkSize(int s) { this.chunkSize = s; return this; }
        public Builder maxSnapshotBytes(long m) { this.maxSnapshotBytes = m; return this; }
        public Builder parallelism(int p) { this.parallelism = p; return this; }

        public SerializationConfig build() {
            Objects.requireNonNull(compression, "compression");
            return new SerializationConfig(compression, level != null ? level : compression.defaultLevel(),
                    chunkSize, maxSnapshotBytes, parallelism);
        }
    }
}
