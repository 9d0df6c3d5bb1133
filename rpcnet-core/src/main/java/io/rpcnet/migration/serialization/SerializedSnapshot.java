package io.rpcnet.migration.serialization;

import io.rpcnet.migration.snapshot.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A whole serialized snapshot held in memory: manifest, chunks and digest. Convenient for tests, retries
 * and small states; large transfers should stream through a {@link SnapshotSink} instead.
 *
 * @param manifest the manifest
 * @param chunks   the chunks in sequence order
 * @param digest   SHA-256 over the encoded manifest and every payload
 */
public record SerializedSnapshot(SnapshotManifest manifest, List<SnapshotChunk> chunks, Bytes digest) {

    public SerializedSnapshot {
        Objects.requireNonNull(manifest, "manifest");
        chunks = List.copyOf(chunks);
        Objects.requireNonNull(digest, "digest");
    }

    /** Sum of the chunk payload sizes: what goes over the wire, framing aside. */
    public long payloadBytes() {
        long n = 0;
        for (SnapshotChunk c : chunks) {
            n += c.payloadSize();
        }
        return n;
    }

    /** Feeds this snapshot to {@code sink}, as a live transfer would. */
    public void replayInto(SnapshotSink sink) {
        sink.begin(manifest);
        for (SnapshotChunk c : chunks) {
            sink.chunk(c);
        }
        sink.end(digest);
    }

    /** A sink collecting what it receives into a {@link SerializedSnapshot}. */
    public static Collector collector() {
        return new Collector();
    }

    /** Collects a transfer; {@link #result()} once {@code end} was called. Not thread-safe. */
    public static final class Collector implements SnapshotSink {
        private SnapshotManifest manifest;
        private final List<SnapshotChunk> chunks = new ArrayList<>();
        private Bytes digest;

        private Collector() {
        }

        @Override
        public void begin(SnapshotManifest m) {
            this.manifest = m;
        }

        @Override
        public void chunk(SnapshotChunk chunk) {
            chunks.add(chunk);
        }

        @Override
        public void end(Bytes d) {
            this.digest = d;
        }

        public SerializedSnapshot result() {
            if (digest == null) {
                throw new IllegalStateException("transfer not finished");
            }
            return new SerializedSnapshot(manifest, chunks, digest);
        }
    }
}
