package io.rpcnet.migration.serialization;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;

/**
 * Compresses and decompresses one chunk's bytes. Output is {@code [codec byte][data]}: the codec byte is
 * {@link #STORED} when compression would not shrink the block, else the {@link Compression} id. gzip
 * data is a complete RFC 1952 member (header, raw deflate, CRC-32, size; see {@link GzipCodec}), zstd data
 * one frame, so other implementations can decode chunks with stock libraries.
 *
 * <p>Native compressor state (zlib, ISA-L, zstd contexts) is pooled, because creating it costs more than
 * compressing a small block; the pool is bounded and {@link #close()} frees it. Thread-safe.
 */
final class BlockCodec implements AutoCloseable {

    static final int STORED = 0;

    /** A filled range of a buffer. */
    record Slice(byte[] array, int offset, int length) {
    }

    private final Compression compression;
    private final GzipCodec gzip;
    private final Pool<ZstdCompressCtx> zstdCompressors;
    private final Pool<ZstdDecompressCtx> zstdDecompressors;

    /** GZIP runs on ISA-L where its native library loads ({@link Isal}), else on zlib. */
    BlockCodec(Compression compression, int level, int poolSize) {
        this(compression, level, poolSize, compression == Compression.GZIP && Isal.available());
    }

    /** @param isal whether GZIP may use ISA-L (if it loaded); false pins it to java.util.zip */
    BlockCodec(Compression compression, int level, int poolSize, boolean isal) {
        this.compression = compression;
        // every codec decodes every compression (a manifest names its own); only the configured one encodes
        this.gzip = new GzipCodec(compression == Compression.GZIP ? level : Compression.GZIP.defaultLevel(),
                poolSize, isal);
        int zstdLevel = compression == Compression.ZSTD ? level : Compression.ZSTD.defaultLevel();
        this.zstdCompressors = new Pool<>(poolSize, () -> new ZstdCompressCtx().setLevel(zstdLevel),
                ZstdCompressCtx::close);
        this.zstdDecompressors = new Pool<>(poolSize, ZstdDecompressCtx::new, ZstdDecompressCtx::close);
    }

    /** The GZIP codec, for tests. */
    GzipCodec gzip() {
        return gzip;
    }

    /** {@code [codec byte][data]} for {@code len} bytes of {@code src}. */
    Slice compress(byte[] src, int off, int len) {
        Slice s = switch (compression) {
            case NONE -> null;
            case GZIP -> gzip.compress(src, off, len);
            case ZSTD -> zstd(src, off, len);
        };
        if (s != null && s.length() < len + 1) {
            return s;
        }
        byte[] out = new byte[len + 1];
        out[0] = STORED;
        System.arraycopy(src, off, out, 1, len);
        return new Slice(out, 0, out.length);
    }

    private Slice zstd(byte[] src, int off, int len) {
        // room for no more than the stored form: zstd fails fast with "destination too small" when the
        // data does not shrink, and storing wins then anyway; saves a compressBound-sized buffer per chunk
        byte[] out = new byte[len + 1];
        out[0] = (byte) Compression.ZSTD.id();
        ZstdCompressCtx c = zstdCompressors.take();
        try {
            int n = c.compressByteArray(out, 1, len, src, off, len);
            return new Slice(out, 0, n + 1);
        } catch (RuntimeException e) { // ZstdException: dstSize_tooSmall
            return null;
        } finally {
            zstdCompressors.give(c);
        }
    }

    /**
     * Decodes {@code [codec byte][data]} from {@code src} into exactly {@code rawLength} bytes. Stored data
     * is returned as a view of {@code src}, without a copy.
     *
     * @throws MigrationException {@link MigrationError#STATE_CORRUPTION} on any mismatch
     */
    Slice decompress(byte[] src, int off, int len, int rawLength, Compression expected) {
        if (len < 1) {
            throw corrupt("empty chunk payload");
        }
        int codec = src[off] & 0xFF;
        int dataOff = off + 1;
        int dataLen = len - 1;
        if (codec == STORED) {
            if (dataLen != rawLength) {
                throw corrupt("stored chunk holds " + dataLen + " bytes, expected " + rawLength);
            }
            return new Slice(src, dataOff, dataLen);
        }
        if (codec != expected.id() || expected == Compression.NONE) {
            throw corrupt("chunk uses codec " + codec + " but the manifest says " + expected);
        }
        byte[] out = new byte[rawLength];
        if (expected == Compression.GZIP) {
            gzip.decompress(src, dataOff, dataLen, out);
        } else {
            unzstd(src, dataOff, dataLen, out);
        }
        return new Slice(out, 0, rawLength);
    }

    private void unzstd(byte[] src, int off, int len, byte[] out) {
        ZstdDecompressCtx d = zstdDecompressors.take();
        boolean reusable = false;
        try {
            int n = d.decompressByteArray(out, 0, out.length, src, off, len);
            if (n != out.length) {
                throw corrupt("zstd frame holds " + n + " bytes, expected " + out.length);
            }
            reusable = true;
        } catch (RuntimeException e) { // ZstdException: malformed frame, wrong size, trailing data
            if (e instanceof MigrationException m) {
                throw m;
            }
            throw corrupt("bad zstd data: " + e.getMessage());
        } finally {
            if (reusable) {
                zstdDecompressors.give(d);
            } else {
                zstdDecompressors.discard(d);
            }
        }
    }

    static MigrationException corrupt(String message) {
        return new MigrationException(MigrationError.STATE_CORRUPTION, message);
    }

    @Override
    public void close() {
        gzip.close();
        zstdCompressors.close();
        zstdDecompressors.close();
    }
}
