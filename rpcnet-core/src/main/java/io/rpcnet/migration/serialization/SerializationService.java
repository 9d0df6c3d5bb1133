package io.rpcnet.migration.serialization;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import io.rpcnet.migration.snapshot.SnapshotCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serializes snapshots into chunks and back, per a {@link SerializationConfig}.
 *
 * <p><b>Streaming and memory.</b> The snapshot encoder writes straight into a chunker
 * ({@link #serialize(SessionSnapshot, PayloadTransform, SnapshotSink)}): values go from the snapshot into
 * a block buffer (one copy), each block is compressed (and sealed) into its payload, and blocks are released
 * as soon as their chunk is emitted. The encoded snapshot is never held whole, and neither is the
 * compressed one unless the sink keeps it (a {@link SerializedSnapshot} does). The receiver mirrors this:
 * chunk payload → decompressed block → values parsed into their final arrays. At most
 * {@code parallelism + 1} chunks are in flight, each holding its raw block, its compressed form and its
 * sealed payload (each at most {@code chunkSize + ~100} bytes), so sending a snapshot of {@code S} bytes
 * costs a transient {@code O((parallelism + 2) x chunkSize)} plus whatever the sink keeps, independent of
 * {@code S}; receiving costs {@code S} for the result plus the same bound. (Measured for 10 MiB with the
 * defaults: the whole workflow, sealed chunks held in memory and the restored copy included, peaks at
 * about 2x the state; see the benchmarks' {@code migration-parts} suite.)
 *
 * <p><b>Size cap.</b> {@link SerializationConfig#maxSnapshotBytes()} is checked on the snapshot's encoded
 * size, computed without encoding, before any work ({@link MigrationError#STATE_TOO_LARGE}); receivers check
 * the manifest against their own cap before the first chunk.
 *
 * <p>Thread-safe. Owns a small daemon thread pool when parallelism > 1 and no executor is given;
 * {@link #close()} releases it and the pooled native compressors.
 */
public final class SerializationService implements AutoCloseable {

    private final SerializationConfig config;
    private final BlockCodec codec;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private volatile boolean closed;

    public SerializationService(SerializationConfig config) {
        this(config, null);
    }

    /**
     * @param executor where chunks are compressed and decompressed when parallelism > 1; null to create a
     *                 private pool of {@code parallelism} daemon threads. Callers of {@code serialize} and of
     *                 a receiver wait for its tasks, so they must not be threads of a bounded executor
     *                 given here.
     */
    public SerializationService(SerializationConfig config, Executor executor) {
        this.config = Objects.requireNonNull(config, "config");
        this.codec = new BlockCodec(config.compression(), config.level(), config.parallelism() + 2);
        if (config.parallelism() == 1) {
            this.executor = null;
            this.ownedExecutor = null;
        } else if (executor != null) {
            this.executor = executor;
            this.ownedExecutor = null;
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(config.parallelism(), config.parallelism(), 30,
                    TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads());
            pool.allowCoreThreadTimeOut(true);
            this.executor = pool;
            this.ownedExecutor = pool;
        }
    }

    public SerializationConfig config() {
        return config;
    }

    /** Serializes into memory, without a transform. */
    public SerializedSnapshot serialize(SessionSnapshot snapshot) {
        return serialize(snapshot, PayloadTransform.IDENTITY);
    }

    /** Serializes into memory, sealing every chunk payload with {@code transform}. */
    public SerializedSnapshot serialize(SessionSnapshot snapshot, PayloadTransform transform) {
        SerializedSnapshot.Collector collector = SerializedSnapshot.collector();
        serialize(snapshot, transform, collector);
        return collector.result();
    }

    /**
     * Streams {@code snapshot} into {@code sink}: manifest, chunks in order, digest.
     *
     * @throws MigrationException {@link MigrationError#STATE_TOO_LARGE} before any work if the snapshot
     *                            exceeds the cap; whatever the sink or transform throws
     */
    public void serialize(SessionSnapshot snapshot, PayloadTransform transform, SnapshotSink sink) {
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(sink, "sink");
        ensureOpen();
        long size = snapshot.encodedSize();
        if (size > config.maxSnapshotBytes()) {
            throw new MigrationException(MigrationError.STATE_TOO_LARGE, "snapshot of session '"
                    + snapshot.sessionId() + "' is " + size + " bytes encoded, over the cap of "
                    + config.maxSnapshotBytes() + " bytes");
        }
        SnapshotManifest manifest = SnapshotManifest.of(config.compression(), config.chunkSize(), size);
        sink.begin(manifest);
        ChunkWriter writer = new ChunkWriter(manifest, codec, transform, sink, executor, config.parallelism());
        try {
            SnapshotCodec.write(snapshot, writer);
            writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // ChunkWriter does no I/O
        } catch (RuntimeException | Error e) {
            writer.abort();
            throw e;
        }
    }

    /**
     * A receiver for one incoming transfer.
     *
     * @param expectedSessionId the session being restored; a snapshot of any other session is refused as
     *                          {@link MigrationError#STATE_CORRUPTION}. Null accepts any.
     * @param transform         reverses the sender's transform
     */
    public SnapshotReceiver newReceiver(String expectedSessionId, PayloadTransform transform) {
        ensureOpen();
        return new SnapshotReceiver(codec, Objects.requireNonNull(transform, "transform"), expectedSessionId,
                config.maxSnapshotBytes(), executor, config.parallelism());
    }

    /** Verifies and rebuilds an in-memory serialized snapshot without a transform. */
    public SessionSnapshot deserialize(SerializedSnapshot serialized, String expectedSessionId) {
        return deserialize(serialized, expectedSessionId, PayloadTransform.IDENTITY);
    }

    /** Verifies and rebuilds an in-memory serialized snapshot. */
    public SessionSnapshot deserialize(SerializedSnapshot serialized, String expectedSessionId,
                                       PayloadTransform transform) {
        SnapshotReceiver receiver = newReceiver(expectedSessionId, transform);
        serialized.replayInto(receiver);
        return receiver.result();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("SerializationService is closed");
        }
    }

    /** Frees the private thread pool (if any) and the pooled compressors; later calls fail. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
        codec.close();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "rpcnet-migration-codec-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
