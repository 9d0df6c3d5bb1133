package io.rpcnet.migration.serialization;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compresses and decompresses one chunk's bytes. Output is {@code [codec byte][data]}: the codec byte is
 * {@link #STORED} when compression would not shrink the block, else the {@link Compression} id. gzip
 * data is a complete RFC 1952 member (header, raw deflate, CRC-32, size), zstd data one frame, so other
 * implementations can decode chunks with stock libraries.
 *
 * <p>Native compressor state (zlib, zstd contexts) is pooled, because creating it costs more than
 * compressing a small block; the pool is bounded and {@link #close()} frees it. Thread-safe.
 */
final class BlockCodec implements AutoCloseable {

    static final int STORED = 0;
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int GZIP_TRAILER = 8;
    /** Granularity of the gzip incompressibility check. */
    static final int ENTROPY_SEGMENT = 64 * 1024;
    private static final double INCOMPRESSIBLE_BITS = 7.5;

    /** A filled range of a buffer. */
    record Slice(byte[] array, int offset, int length) {
    }

    private final Compression compression;
    private final int level;
    private final Pool<Deflater> deflaters;
    private final Pool<Inflater> inflaters;
    private final Pool<ZstdCompressCtx> zstdCompressors;
    private final Pool<ZstdDecompressCtx> zstdDecompressors;

    BlockCodec(Compression compression, int level, int poolSize) {
        this.compression = compression;
        this.level = level;
        this.deflaters = new Pool<>(poolSize, () -> new Deflater(level, true), Deflater::end);
        this.inflaters = new Pool<>(poolSize, () -> new Inflater(true), Inflater::end);
        this.zstdCompressors = new Pool<>(poolSize, () -> new ZstdCompressCtx().setLevel(level),
                ZstdCompressCtx::close);
        this.zstdDecompressors = new Pool<>(poolSize, ZstdDecompressCtx::new, ZstdDecompressCtx::close);
    }

    /** {@code [codec byte][data]} for {@code len} bytes of {@code src}. */
    Slice compress(byte[] src, int off, int len) {
        Slice s = switch (compression) {
            case NONE -> null;
            case GZIP -> gzip(src, off, len);
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

    private Slice gzip(byte[] src, int off, int len) {
        // room for no more than the stored form: if deflate needs more, storing wins anyway
        int cap = len + 1;
        int headerEnd = 1 + GZIP_HEADER.length;
        if (cap < headerEnd + GZIP_TRAILER + 2) {
            return null;
        }
        byte[] out = new byte[cap];
        out[0] = (byte) Compression.GZIP.id();
        System.arraycopy(GZIP_HEADER, 0, out, 1, GZIP_HEADER.length);
        Deflater d = deflaters.take();
        int pos = headerEnd;
        int limit = cap - GZIP_TRAILER;
        try {
            d.reset();
            d.setLevel(level);
            int current = level;
            for (int segOff = off, end = off + len; segOff < end; segOff += ENTROPY_SEGMENT) {
                int segLen = Math.min(ENTROPY_SEGMENT, end - segOff);
                int wanted = looksIncompressible(src, segOff, segLen) ? Deflater.NO_COMPRESSION : level;
                if (wanted != current) {
                    // switch level between segments: with no input pending, zlib flushes to a block
                    // boundary and changes parameters, so the stream stays one standard deflate stream
                    d.setLevel(wanted);
                    d.setInput(src, segOff, 0);
                    pos = deflateInto(d, out, pos, limit, Deflater.NO_FLUSH);
                    if (pos < 0) {
                        return null;
                    }
                    current = wanted;
                }
                d.setInput(src, segOff, segLen);
                while (!d.needsInput()) {
                    pos = deflateInto(d, out, pos, limit, Deflater.NO_FLUSH);
                    if (pos < 0) {
                        return null;
                    }
                }
            }
            d.finish();
            while (!d.finished()) {
                pos = deflateInto(d, out, pos, limit, Deflater.NO_FLUSH);
                if (pos < 0) {
                    return null;
                }
            }
        } finally {
            deflaters.give(d);
        }
        CRC32 crc = new CRC32();
        crc.update(src, off, len);
        putIntLe(out, pos, (int) crc.getValue());
        putIntLe(out, pos + 4, len);
        return new Slice(out, 0, pos + GZIP_TRAILER);
    }

    /** One deflate call; -1 if the output is full, i.e. the data will not shrink below the stored form. */
    private static int deflateInto(Deflater d, byte[] out, int pos, int limit, int flush) {
        if (pos >= limit) {
            return -1;
        }
        return pos + d.deflate(out, pos, limit - pos, flush);
    }

    /**
     * Whether a segment looks like compressed, encrypted or random data: the byte entropy of a sample
     * (every 4th byte) is at least 7.5 bits. Such segments are stored rather than run through zlib, which
     * spends most of its time failing to compress them. Costs about 1/30 of deflating the segment.
     */
    static boolean looksIncompressible(byte[] b, int off, int len) {
        if (len < 4096) {
            return false;
        }
        int[] counts = new int[256];
        int samples = 0;
        for (int i = off, end = off + len; i < end; i += 4) {
            counts[b[i] & 0xFF]++;
            samples++;
        }
        double entropy = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / samples;
                entropy -= p * Math.log(p);
            }
        }
        return entropy / Math.log(2) >= INCOMPRESSIBLE_BITS;
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
            gunzip(src, dataOff, dataLen, out);
        } else {
            unzstd(src, dataOff, dataLen, out);
        }
        return new Slice(out, 0, rawLength);
    }

    private void gunzip(byte[] src, int off, int len, byte[] out) {
        if (len < GZIP_HEADER.length + GZIP_TRAILER) {
            throw corrupt("gzip member too short");
        }
        // only the header we write: magic, deflate, no flags
        if (src[off] != GZIP_HEADER[0] || src[off + 1] != GZIP_HEADER[1] || src[off + 2] != 8 || src[off + 3] != 0) {
            throw corrupt("bad gzip header");
        }
        int dataOff = off + GZIP_HEADER.length;
        int dataLen = len - GZIP_HEADER.length - GZIP_TRAILER;
        Inflater inf = inflaters.take();
        boolean reusable = false;
        try {
            inf.reset();
            // the trailer is passed too, so zlib always sees input past the end of the deflate stream
            inf.setInput(src, dataOff, dataLen + GZIP_TRAILER);
            int n = 0;
            while (n < out.length && !inf.finished()) {
                int k = inf.inflate(out, n, out.length - n);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                n += k;
            }
            if (n == out.length && !inf.finished() && inf.inflate(new byte[1]) != 0) {
                throw corrupt("gzip data inflates to more than " + out.length + " bytes");
            }
            if (n != out.length || !inf.finished() || inf.getRemaining() != GZIP_TRAILER) {
                throw corrupt("gzip data does not inflate to exactly " + out.length + " bytes");
            }
            reusable = true;
        } catch (DataFormatException e) {
            throw corrupt("bad deflate data: " + e.getMessage());
        } finally {
            if (reusable) {
                inflaters.give(inf);
            } else {
                inf.end();
            }
        }
        CRC32 crc = new CRC32();
        crc.update(out, 0, out.length);
        int trailer = off + len - GZIP_TRAILER;
        if (getIntLe(src, trailer) != (int) crc.getValue() || getIntLe(src, trailer + 4) != out.length) {
            throw corrupt("gzip trailer does not match the data");
        }
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
                d.close();
            }
        }
    }

    private static MigrationException corrupt(String message) {
        return new MigrationException(MigrationError.STATE_CORRUPTION, message);
    }

    private static void putIntLe(byte[] b, int pos, int v) {
        b[pos] = (byte) v;
        b[pos + 1] = (byte) (v >>> 8);
        b[pos + 2] = (byte) (v >>> 16);
        b[pos + 3] = (byte) (v >>> 24);
    }

    private static int getIntLe(byte[] b, int pos) {
        return (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
    }

    @Override
    public void close() {
        deflaters.close();
        inflaters.close();
        zstdCompressors.close();
        zstdDecompressors.close();
    }

    /** A bounded pool; objects beyond the bound are freed on return. */
    private static final class Pool<T> {
        private final ArrayBlockingQueue<T> idle;
        private final Supplier<T> factory;
        private final Consumer<T> destroyer;
        private volatile boolean closed;

        Pool(int size, Supplier<T> factory, Consumer<T> destroyer) {
            this.idle = new ArrayBlockingQueue<>(Math.max(1, size));
            this.factory = factory;
            this.destroyer = destroyer;
        }

        T take() {
            T t = idle.poll();
            return t != null ? t : factory.get();
        }

        void give(T t) {
            if (closed || !idle.offer(t)) {
                destroyer.accept(t);
            }
        }

        void close() {
            closed = true;
            for (T t; (t = idle.poll()) != null; ) {
                destroyer.accept(t);
            }
        }
    }
}
