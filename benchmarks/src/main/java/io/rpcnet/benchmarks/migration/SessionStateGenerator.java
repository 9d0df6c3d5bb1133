package io.rpcnet.benchmarks.migration;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.UUID;

/**
 * Realistic, partly compressible session state, deterministic per seed. Of the state bytes:
 * <ul>
 *   <li>50% attributes: JSON documents (profile, cart, preferences) with UUIDs, timestamps, prices and
 *       base64 tokens — compress about 3x;</li>
 *   <li>25% buffered responses: protobuf-like binary records (tags, varints, ids, short strings);</li>
 *   <li>25% application state: half an opaque blob that is already compressed or encrypted (random bytes,
 *       incompressible), half a series of doubles (a random walk, weakly compressible).</li>
 * </ul>
 * Overall zstd-1 shrinks it to about half; the suite prints the measured ratio.
 */
public final class SessionStateGenerator {

    private static final String[] NAMES = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    private static final String[] LOCALES = {"en-US", "de-DE", "fr-FR", "ja-JP", "pt-BR"};
    private static final String[] WORDS = {"ok", "pending", "shipped", "cart", "checkout", "search", "price",
        "inventory", "recommendation", "session"};

    private SessionStateGenerator() {
    }

    /** JSON documents totalling exactly {@code n} bytes. */
    public static byte[] json(int n, Random r) {
        StringBuilder sb = new StringBuilder(n + 512);
        while (sb.length() < n) {
            byte[] token = new byte[24];
            r.nextBytes(token);
            sb.append("{\"id\":\"").append(new UUID(r.nextLong(), r.nextLong())).append("\",\"user\":\"")
                    .append(NAMES[r.nextInt(NAMES.length)]).append('-').append(r.nextInt(1_000_000))
                    .append("\",\"locale\":\"").append(LOCALES[r.nextInt(LOCALES.length)])
                    .append("\",\"lastSeen\":").append(1_780_000_000_000L + r.nextInt(1 << 30))
                    .append(",\"token\":\"").append(Base64.getEncoder().encodeToString(token)).append("\",\"cart\":[");
            int items = 1 + r.nextInt(5);
            for (int i = 0; i < items; i++) {
                sb.append(i == 0 ? "" : ",").append("{\"sku\":\"SKU-").append(r.nextInt(100_000))
                        .append("\",\"qty\":").append(1 + r.nextInt(9)).append(",\"price\":")
                        .append(r.nextInt(100_000) / 100.0).append('}');
            }
            sb.append("],\"flags\":{\"beta\":").append(r.nextBoolean()).append(",\"premium\":")
                    .append(r.nextBoolean()).append("}}\n");
        }
        return cut(sb.toString().getBytes(StandardCharsets.UTF_8), n);
    }

    /** Protobuf-like response records totalling exactly {@code n} bytes. */
    public static byte[] responses(int n, Random r) {
        ByteBuffer b = ByteBuffer.allocate(n + 256);
        while (b.position() < n) {
            b.put((byte) 0x08);
            putVarint(b, r.nextInt(1 << 20)); // call id
            b.put((byte) 0x12);
            byte[] word = WORDS[r.nextInt(WORDS.length)].getBytes(StandardCharsets.US_ASCII);
            b.put((byte) word.length).put(word);
            b.put((byte) 0x1a).put((byte) 16);
            b.putLong(r.nextLong()).putLong(r.nextLong()); // an id
            b.put((byte) 0x20);
            putVarint(b, r.nextInt(10_000)); // amount
            b.put((byte) 0x28);
            putVarint(b, 1_780_000_000L + r.nextInt(100_000)); // timestamp
        }
        return cut(b.array(), n);
    }

    /** Random bytes: data that was already compressed or encrypted. */
    public static byte[] opaque(int n, Random r) {
        byte[] out = new byte[n];
        r.nextBytes(out);
        return out;
    }

    /** Little-endian doubles of a random walk, {@code n} bytes. */
    public static byte[] series(int n, Random r) {
        ByteBuffer b = ByteBuffer.allocate(n + 8).order(ByteOrder.LITTLE_ENDIAN);
        double v = 100;
        while (b.position() < n) {
            v += r.nextGaussian() * 0.25;
            b.putDouble(Math.round(v * 100) / 100.0);
        }
        return cut(b.array(), n);
    }

    private static void putVarint(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    private static byte[] cut(byte[] b, int n) {
        byte[] out = new byte[n];
        System.arraycopy(b, 0, out, 0, n);
        return out;
    }
}
