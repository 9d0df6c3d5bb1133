package io.rpcnet.benchmarks.migration;

import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.MigrationStateHandler;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A session as a worker holds it: immutable attribute values and unacknowledged responses (which a
 * snapshot shares), plus application state kept by two {@link MigrationStateHandler}s in mutable form
 * (which capture must copy). The target side of a migration is another instance.
 */
public final class LiveSession {

    /** An application component keeping per-session state; capture copies it, restore installs it. */
    public static final class Handler implements MigrationStateHandler {
        private final String name;
        private final Map<String, byte[]> mutableState = new ConcurrentHashMap<>();
        private final Map<String, Bytes> restored = new ConcurrentHashMap<>();

        Handler(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public byte[] capture(String sessionId) {
            byte[] s = mutableState.get(sessionId);
            return s == null ? null : s.clone();
        }

        @Override
        public void restore(String sessionId, Bytes state) {
            restored.put(sessionId, state);
        }

        public Bytes restoredState(String sessionId) {
            return restored.get(sessionId);
        }

        public void clear() {
            restored.clear();
        }
    }

    public final String sessionId;
    public final long version;
    public final Map<String, Bytes> attributes = new TreeMap<>();
    public final Map<Long, Bytes> unacknowledged = new TreeMap<>();
    public final Handler blobs = new Handler("blob-cache");
    public final Handler metrics = new Handler("metric-series");
    public final int stateBytes;

    private LiveSession(String sessionId, long version, int stateBytes) {
        this.sessionId = sessionId;
        this.version = version;
        this.stateBytes = stateBytes;
    }

    /** An empty session with the handlers, to restore into. */
    public static LiveSession target(String sessionId) {
        return new LiveSession(sessionId, 0, 0);
    }

    /** A session with {@code stateBytes} of state as described in {@link SessionStateGenerator}. */
    public static LiveSession generate(String sessionId, int stateBytes, long seed) {
        Random r = new Random(seed);
        LiveSession s = new LiveSession(sessionId, 1000 + seed, stateBytes);
        int attrs = stateBytes / 2;
        int responses = stateBytes / 4;
        int app = stateBytes - attrs - responses;
        int i = 0;
        for (int left = attrs; left > 0; i++) { // documents of up to 16 KiB
            int n = Math.min(left, 16 * 1024);
            s.attributes.put("doc-" + i, Bytes.unsafeWrap(SessionStateGenerator.json(n, r)));
            left -= n;
        }
        i = 0;
        for (int left = responses; left > 0; i++) { // responses of up to 32 KiB
            int n = Math.min(left, 32 * 1024);
            s.unacknowledged.put(10_000L + 2L * i, Bytes.unsafeWrap(SessionStateGenerator.responses(n, r)));
            left -= n;
        }
        s.blobs.mutableState.put(sessionId, SessionStateGenerator.opaque(app / 2, r));
        s.metrics.mutableState.put(sessionId, SessionStateGenerator.series(app - app / 2, r));
        return s;
    }

    public List<MigrationStateHandler> handlers() {
        return List.of(blobs, metrics);
    }
}
