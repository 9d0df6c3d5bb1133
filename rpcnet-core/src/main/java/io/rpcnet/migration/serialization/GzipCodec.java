package io.rpcnet.migration.serialization;

import static io.rpcnet.migration.serialization.BlockCodec.corrupt;

import com.intel.gkl.compression.IntelDeflater;
import com.intel.gkl.compression.IntelInflater;
import io.rpcnet.migration.serialization.BlockCodec.Slice;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * GZIP chunk data: each block becomes one complete RFC 1952 member (10-byte header, raw deflate, CRC-32,
 * size) that gzip, {@link java.util.zip.GZIPInputStream} or a raw {@link Inflater} decode. Deflates with ISA-L
 * ({@link Isal}) where it loaded and the level is 1 or 2, else with java.util.zip (zlib), which then stores
 * segments that look incompressible rather than grinding through them; inflates with ISA-L where it loaded,
 * else with zlib. Either decoder takes any standard member, and a member is only accepted if it inflates to
 * exactly the expected size with a matching CRC-32 and size trailer, so the data is always exact; ISA-L is a
 * little less strict about the form: it does not notice a few stray bytes between the end of the deflate
 * stream and the trailer, which zlib refuses. Native state is pooled; thread-safe.
 */
final class GzipCodec implements AutoCloseable {

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int TRAILER = 8;
    /** Codec byte, header, trailer and the shortest deflate stream: a smaller block is always stored. */
    private static final int MIN_MEMBER = 1 + HEADER.length + TRAILER + 2;
    /** Granularity of the zlib path's incompressibility check. */
    static final int ENTROPY_SEGMENT = 64 * 1024;
    private static final double INCOMPRESSIBLE_BITS = 7.5;

    private final int level;
    private final boolean isalDeflate;
    private final boolean isalInflate;
    private final Pool<Deflater> deflaters;
    private final Pool<Inflater> inflaters;
    private final Pool<IntelDeflater> isalDeflaters;
    private final Pool<IntelInflater> isalInflaters;

    /**
     * @param useIsal use ISA-L if it is {@linkplain Isal#available() available}: to inflate, and to deflate if
     *                it supports {@code level}
     */
    GzipCodec(int level, int poolSize, boolean useIsal) {
        this.level = level;
        this.isalInflate = useIsal && Isal.available();
        this.isalDeflate = isalInflate && Isal.supportsLevel(level);
        this.deflaters = new Pool<>(poolSize, () -> new Deflater(level, true), Deflater::end);
        this.inflaters = new Pool<>(poolSize, () -> new Inflater(true), Inflater::end);
        this.isalDeflaters = isalDeflate ? new Pool<>(poolSize, () -> Isal.newDeflater(level), IntelDeflater::end)
                : null;
        this.isalInflaters = isalInflate ? new Pool<>(poolSize, Isal::newInflater, IntelInflater::end) : null;
    }

    /** Whether blocks are deflated by ISA-L rather than zlib. */
    boolean deflatesWithIsal() {
        return isalDeflate;
    }

    /** Whether members are inflated by ISA-L rather than zlib. */
    boolean inflatesWithIsal() {
        return isalInflate;
    }

    /**
     * {@code [GZIP id][member]} for {@code len} bytes of {@code src}, or null if that would not be smaller than
     * the stored form ({@code len + 1} bytes).
     */
    Slice compress(byte[] src, int off, int len) {
        if (len + 1 < MIN_MEMBER) {
            return null;
        }
        return isalDeflate ? isalMember(src, off, len) : zlibMember(src, off, len);
    }

    private Slice isalMember(byte[] src, int off, int len) {
        byte[] in = off == 0 ? src : Arrays.copyOfRange(src, off, off + len);
        byte[] deflated = new byte[Isal.bound(len)];
        IntelDeflater d = isalDeflaters.take();
        int n = -1;
        try {
            n = Isal.deflate(d, in, len, deflated);
        } finally {
            if (n >= 0) {
                isalDeflaters.give(d);
            } else {
                isalDeflaters.discard(d);
            }
        }
        if (n < 0) {
            // the bound leaves room for stored blocks, so this is a native failure: zlib still works
            return zlibMember(src, off, len);
        }
        int size = 1 + HEADER.length + n + TRAILER;
        if (size > len) {
            return null;
        }
        byte[] out = new byte[size];
        int pos = header(out);
        System.arraycopy(deflated, 0, out, pos, n);
        trailer(out, pos + n, src, off, len);
        return new Slice(out, 0, size);
    }

    private Slice zlibMember(byte[] src, int off, int len) {
        // room for no more than the stored form: if deflate needs more, storing wins anyway
        byte[] out = new byte[len + 1];
        int pos = header(out);
        int limit = out.length - TRAILER;
        Deflater d = deflaters.take();
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
                    pos = deflateInto(d, out, pos, limit);
                    if (pos < 0) {
                        return null;
                    }
                    current = wanted;
                }
                d.setInput(src, segOff, segLen);
                while (!d.needsInput()) {
                    pos = deflateInto(d, out, pos, limit);
                    if (pos < 0) {
                        return null;
                    }
                }
            }
            d.finish();
            while (!d.finished()) {
                pos = deflateInto(d, out, pos, limit);
                if (pos < 0) {
                    return null;
                }
            }
        } finally {
            deflaters.give(d);
        }
        trailer(out, pos, src, off, len);
        return new Slice(out, 0, pos + TRAILER);
    }

    /** One deflate call; -1 if the output is full, i.e. the data will not shrink below the stored form. */
    private static int deflateInto(Deflater d, byte[] out, int pos, int limit) {
        if (pos >= limit) {
            return -1;
        }
        return pos + d.deflate(out, pos, limit - pos, Deflater.NO_FLUSH);
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

    /** Writes the codec byte and the member header; returns where the deflate data starts. */
    private static int header(byte[] out) {
        out[0] = (byte) Compression.GZIP.id();
        System.arraycopy(HEADER, 0, out, 1, HEADER.length);
        return 1 + HEADER.length;
    }

    private static void trailer(byte[] out, int pos, byte[] src, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(src, off, len);
        putIntLe(out, pos, (int) crc.getValue());
        putIntLe(out, pos + 4, len);
    }

    /**
     * Inflates the member in {@code src[off, off + len)} into all of {@code out}, checking that it is exactly
     * one member of exactly {@code out.length} bytes with a matching trailer.
     *
     * @throws io.rpcnet.migration.MigrationException {@code STATE_CORRUPTION} on any mismatch
     */
    void decompress(byte[] src, int off, int len, byte[] out) {
        if (len < HEADER.length + TRAILER) {
            throw corrupt("gzip member too short");
        }
        // only the header we write: magic, deflate, no flags
        if (src[off] != HEADER[0] || src[off + 1] != HEADER[1] || src[off + 2] != 8 || src[off + 3] != 0) {
            throw corrupt("bad gzip header");
        }
        int dataOff = off + HEADER.length;
        int dataLen = len - HEADER.length - TRAILER;
        if (isalInflate) {
            isalInflate(src, dataOff, dataLen, out);
        } else {
            zlibInflate(src, dataOff, dataLen, out);
        }
        CRC32 crc = new CRC32();
        crc.update(out, 0, out.length);
        int trailer = off + len - TRAILER;
        if (getIntLe(src, trailer) != (int) crc.getValue() || getIntLe(src, trailer + 4) != out.length) {
            throw corrupt("gzip trailer does not match the data");
        }
    }

    /**
     * The deflate stream must use up its input and fill {@code out} exactly; the trailer is checked after. What
     * ISA-L refuses goes to zlib for the verdict: bad data fails there with zlib's reason, while a native
     * failure (memory) does not fail the transfer.
     */
    private void isalInflate(byte[] src, int off, int len, byte[] out) {
        IntelInflater inf = isalInflaters.take();
        int n = -1;
        try {
            n = Isal.inflate(inf, src, off, len, out);
        } finally {
            if (n >= 0) {
                isalInflaters.give(inf);
            } else {
                isalInflaters.discard(inf);
            }
        }
        if (n != out.length) {
            zlibInflate(src, off, len, out);
        }
    }

    private void zlibInflate(byte[] src, int off, int len, byte[] out) {
        Inflater inf = inflaters.take();
        boolean reusable = false;
        try {
            inf.reset();
            // the trailer is passed too, so zlib always sees input past the end of the deflate stream
            inf.setInput(src, off, len + TRAILER);
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
            if (n != out.length || !inf.finished() || inf.getRemaining() != TRAILER) {
                throw corrupt("gzip data does not inflate to exactly " + out.length + " bytes");
            }
            reusable = true;
        } catch (DataFormatException e) {
            throw corrupt("bad deflate data: " + e.getMessage());
        } finally {
            if (reusable) {
                inflaters.give(inf);
            } else {
                inflaters.discard(inf);
            }
        }
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
        if (isalDeflaters != null) {
            isalDeflaters.close();
        }
        if (isalInflaters != null) {
            isalInflaters.close();
        }
    }
}
