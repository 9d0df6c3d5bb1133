package io.rpcnet.migration;

import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

/**
 * Snapshots of a chosen state size with realistic, partly compressible content: JSON-like attributes,
 * binary buffered responses, and application state that is half random (already compressed or encrypted
 * data) and half structured.
 */
public final class TestSnapshots {

    public static final Instant CAPTURED_AT = Instant.parse("2026-11-02T10:15:30.123456789Z");

    private TestSnapshots() {
    }

    /** A snapshot of {@code sessionId} whose values total exactly {@code stateBytes}. */
    public static SessionSnapshot ofSize(String sessionId, int stateBytes, long seed) {
        Random r = new Random(seed);
        SessionSnapshot.Builder b = SessionSnapshot.builder(sessionId).capturedAt(CAPTURED_AT).version(42 + seed);
        int attrs = stateBytes / 2;
        int buffered = stateBytes / 4;
        int app = stateBytes - attrs - buffered;
        split(attrs, 64 * 1024, r, (i, n) -> b.attribute("attr-" + i, Bytes.unsafeWrap(json(n, r))));
        split(buffered, 32 * 1024, r, (i, n) -> b.bufferedData(1000L + 4 * i, Bytes.unsafeWrap(binary(n, r))));
        split(app, 256 * 1024, r, (i, n) -> b.applicationState("handler-" + i,
                Bytes.unsafeWrap(i % 2 == 0 ? random(n, r) : binary(n, r))));
        if (stateBytes == 0) {
            b.attribute("empty", Bytes.empty());
        }
        return b.build();
    }

    private interface Part {
        void add(int index, int size);
    }

    private static void split(int total, int max, Random r, Part part) {
        int i = 0;
        while (total > 0) {
            int n = Math.min(total, max / 2 + r.nextInt(max / 2 + 1));
            part.add(i++, n);
            total -= n;
        }
    }

    public static byte[] json(int n, Random r) {
        StringBuilder sb = new StringBuilder(n + 200);
        while (sb.length() < n) {
            sb.append("{\"user\":\"u-").append(r.nextInt(100_000)).append("\",\"cart\":[{\"sku\":\"SKU-")
                    .append(r.nextInt(10_000)).append("\",\"qty\":").append(1 + r.nextInt(9))
                    .append("}],\"seen\":").append(1_700_000_000_000L + r.nextInt(1 << 30)).append("}\n");
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[n];
        System.arraycopy(all, 0, out, 0, n);
        return out;
    }

    public static byte[] binary(int n, Random r) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (i % 8 < 3 ? r.nextInt(256) : (i % 8) * 3);
        }
        return out;
    }

    public static byte[] random(int n, Random r) {
        byte[] out = new byte[n];
        r.nextBytes(out);
        return out;
    }
}
