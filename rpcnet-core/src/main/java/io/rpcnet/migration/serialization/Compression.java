package io.rpcnet.migration.serialization;

/**
 * Compression of snapshot chunks. Each chunk is compressed on its own (a complete gzip member or zstd
 * frame), which lets chunks be compressed and decompressed in parallel and lets a receiver work chunk by
 * chunk; a chunk that does not shrink is sent stored.
 */
public enum Compression {

    /** No compression: fastest, largest. */
    NONE(0, 0, 0, 0),
    /**
     * gzip (RFC 1952) members; levels 1 (fastest, the default) to 9. Levels 1 and 2 deflate with ISA-L (Intel
     * GKL) where its native library loads (x86_64 Linux and macOS), several times faster than zlib; other
     * levels and other platforms use the JDK's zlib. Either way the members are standard: any gzip or zlib
     * inflater decodes them, and receivers decode members from any standard deflater.
     */
    GZIP(1, 1, 1, 9),
    /** Zstandard frames via zstd-jni; levels -7 (fastest) to 19, default 1. */
    ZSTD(2, 1, -7, 19);

    private final int id;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    Compression(int id, int defaultLevel, int minLevel, int maxLevel) {
        this.id = id;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    /** The byte that names this compression in manifests and chunk payloads. */
    public int id() {
        return id;
    }

    /**
     * The level used when none is configured. Fast levels: migration is latency-bound and mostly runs
     * inside one data center, where CPU time costs more than bytes.
     */
    public int defaultLevel() {
        return defaultLevel;
    }

    public int minLevel() {
        return minLevel;
    }

    public int maxLevel() {
        return maxLevel;
    }

    /** The compression with wire id {@code id}, or null if unknown. */
    static Compression byId(int id) {
        for (Compression c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        return null;
    }
}
