package io.rpcnet.benchmarks.migration;

import io.rpcnet.migration.serialization.SerializedSnapshot;
import io.rpcnet.migration.serialization.SnapshotChunk;
import io.rpcnet.migration.serialization.SnapshotManifest;
import io.rpcnet.migration.serialization.SnapshotReceiver;
import io.rpcnet.migration.serialization.SnapshotSink;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import io.rpcnet.migration.transfer.SnapshotTransfer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Approximate peak live heap of one complete migration workflow, measured in this JVM: the workflow is
 * driven chunk by chunk and, after capture, after every chunk sealed, after every chunk received, and
 * after restore, a full GC runs and the used heap is read ({@link MemoryMXBean}). The peak is the largest
 * reading minus the baseline before the workflow (lowest of three readings; it already holds the live
 * source session and the services). Transient buffers between two readings are not seen, and chunk work still running on the
 * pool threads at a reading is, so this is a close but approximate figure; the restored session held
 * by the target is included.
 */
public final class HeapProbe {

    /** Readings in bytes. */
    public record Result(long baselineBytes, long peakBytes, String peakAt, int samples, List<Long> readings) {
        public long peakAboveBaseline() {
            return peakBytes - baselineBytes;
        }
    }

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private long baseline;
    private long peak;
    private String peakAt = "baseline";
    private int samples;
    private final List<Long> readings = new ArrayList<>();

    private HeapProbe() {
    }

    /** Warms the path up, then measures one workflow of {@code fixture} through {@code transfer}. */
    public static Result measure(MigrationFixture fixture, SnapshotTransfer transfer, int warmups) {
        for (int i = 0; i < warmups; i++) {
            fixture.workflow(transfer);
        }
        HeapProbe p = new HeapProbe();
        clearTarget(fixture);
        // minimum of three readings: a stray high baseline would understate the peak
        p.baseline = Math.min(p.usedAfterGc(), Math.min(p.usedAfterGc(), p.usedAfterGc()));
        p.peak = p.baseline;
        p.run(fixture, transfer);
        clearTarget(fixture);
        return new Result(p.baseline, p.peak, p.peakAt, p.samples, List.copyOf(p.readings));
    }

    private void run(MigrationFixture fixture, SnapshotTransfer transfer) {
        SessionSnapshot snapshot = fixture.capture();
        sample("after capture");
        SerializedSnapshot.Collector collector = SerializedSnapshot.collector();
        transfer.seal(snapshot, fixture.binding, new SnapshotSink() {
            @Override
            public void begin(SnapshotManifest manifest) {
                collector.begin(manifest);
            }

            @Override
            public void chunk(SnapshotChunk chunk) {
                collector.chunk(chunk);
                sample("sealing chunk " + chunk.sequence());
            }

            @Override
            public void end(Bytes digest) {
                collector.end(digest);
            }
        });
        snapshot = null; // the source is done with it; only the sealed chunks travel on
        SerializedSnapshot sealed = collector.result();
        sample("sealed");
        SnapshotReceiver receiver = transfer.receiver(fixture.binding);
        receiver.begin(sealed.manifest());
        for (SnapshotChunk c : sealed.chunks()) {
            receiver.chunk(c);
            sample("opening chunk " + c.sequence());
        }
        receiver.end(sealed.digest());
        sample("opened");
        fixture.restore(receiver.result());
        sample("restored");
    }

    private void sample(String where) {
        long used = usedAfterGc();
        samples++;
        readings.add(used);
        if (used > peak) {
            peak = used;
            peakAt = where;
        }
    }

    private long usedAfterGc() {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void clearTarget(MigrationFixture f) {
        f.target.attributes.clear();
        f.target.unacknowledged.clear();
        f.target.blobs.clear();
        f.target.metrics.clear();
    }
}
