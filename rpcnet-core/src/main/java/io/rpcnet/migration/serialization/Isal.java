package io.rpcnet.migration.serialization;

import com.intel.gkl.compression.IntelDeflater;
import com.intel.gkl.compression.IntelInflater;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw DEFLATE by Intel ISA-L (igzip) through Intel GKL's {@code IntelDeflater} and {@code IntelInflater}:
 * at its levels 1 and 2 several times faster than zlib at level 1, at about the same ratio, and plain
 * RFC 1951 streams that zlib, gzip and {@link java.util.zip.Inflater} decode (and it decodes theirs). GKL
 * bundles the native library for x86_64 Linux and macOS and extracts it to the temp directory on first use.
 * Where it does not load (another platform, a temp directory mounted noexec, or the system property
 * {@value #ENABLED_PROPERTY} set to {@code false}), {@link #available()} is false, the reason is logged once
 * at INFO, and GZIP stays on java.util.zip.
 *
 * <p>GKL's classes are one-shot wrappers: the deflater reads input from index 0 and writes output from
 * index 0, and neither may be used before the library is loaded (their native calls would crash the JVM),
 * which is why they are only created here, behind {@link #available()}.
 */
final class Isal {

    /** System property: {@code false} keeps GZIP on java.util.zip even where ISA-L loads. */
    static final String ENABLED_PROPERTY = "rpcnet.migration.gzip.isal";
    private static final Logger log = LoggerFactory.getLogger(Isal.class);
    /** Header bytes of a stored block, and the most data one holds (RFC 1951). */
    private static final int STORED_HEADER = 5;
    private static final int STORED_MAX = 65_535;
    private static final boolean AVAILABLE = Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))
            // each class binds its own native methods: both must load
            ? load(() -> new IntelDeflater(1, true).load(null) && new IntelInflater(true).load(null))
            : unavailable("disabled by -D" + ENABLED_PROPERTY + "=false");

    private Isal() {
    }

    /** Whether the native library loaded in this JVM. */
    static boolean available() {
        return AVAILABLE;
    }

    /** Whether ISA-L deflates at {@code level}: GKL runs it for levels 1 and 2 only (zlib for the others). */
    static boolean supportsLevel(int level) {
        return level == 1 || level == 2;
    }

    /** A raw-deflate compressor at {@code level}; only when {@link #available()}. Freed by {@code end()}. */
    static IntelDeflater newDeflater(int level) {
        requireAvailable();
        return new IntelDeflater(level, true);
    }

    /** A raw-deflate decompressor; only when {@link #available()}. Freed by {@code end()}. */
    static IntelInflater newInflater() {
        requireAvailable();
        return new IntelInflater(true);
    }

    /**
     * Output room that always suffices for {@code len} input bytes: when compressing does not pay, ISA-L
     * falls back to stored blocks, which this covers with some slack.
     */
    static int bound(int len) {
        return len + STORED_HEADER * (len / STORED_MAX + 1) + 64;
    }

    /**
     * Deflates {@code src[0, len)} into {@code out} from index 0 as one complete, final deflate stream.
     *
     * @return bytes written, or -1 if {@code out} was too small or the native code failed, after which
     *         {@code d} must be discarded
     */
    static int deflate(IntelDeflater d, byte[] src, int len, byte[] out) {
        try {
            d.reset();
            d.setInput(src, 0, len);
            d.finish();
            int n = d.deflate(out, 0, out.length);
            return d.finished() ? n : -1;
        } catch (RuntimeException e) { // GKL: "Output buffer too small.", or a failed native allocation
            return -1;
        }
    }

    /**
     * Inflates the deflate stream in {@code src[off, off + len)} into {@code out}, in one call.
     *
     * @return bytes written if all of the input was consumed without error, else -1 (bad data, or more
     *         output than {@code out} holds), after which {@code inf} must be discarded
     */
    static int inflate(IntelInflater inf, byte[] src, int off, int len, byte[] out) {
        try {
            inf.reset();
            inf.setInput(src, off, len);
            int n = inf.inflate(out, 0, out.length);
            return inf.finished() ? n : -1;
        } catch (RuntimeException e) { // GKL: "Invalid deflate block found." etc.; empty input
            return -1;
        }
    }

    /**
     * Runs {@code loader}, which loads the native library and says whether it did. False, with the reason
     * logged at INFO, if it says no or throws (a missing class or library, a failed link, a denied temp file).
     */
    static boolean load(BooleanSupplier loader) {
        try {
            if (loader.getAsBoolean()) {
                log.debug("GZIP snapshot chunks are deflated and inflated by ISA-L (Intel GKL)");
                return true;
            }
            return unavailable("no native library for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"));
        } catch (LinkageError | RuntimeException e) {
            return unavailable(e.toString());
        }
    }

    private static boolean unavailable(String reason) {
        log.info("GZIP snapshot chunks use java.util.zip: ISA-L (Intel GKL) is unavailable: {}", reason);
        return false;
    }

    private static void requireAvailable() {
        if (!AVAILABLE) {
            throw new IllegalStateException("ISA-L is not loaded");
        }
    }
}
