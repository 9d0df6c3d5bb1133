package io.rpcnet.benchmarks.migration;

import io.rpcnet.director.DirectorGateway;
import io.rpcnet.migration.state.MigrationPhase;
import io.rpcnet.migration.state.MigrationState;
import io.rpcnet.migration.state.MigrationStateListener;
import io.rpcnet.migration.wire.MigrationProtocol;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Timing probes around a migration, from outside rpcnet-core (everything runs in one JVM, so
 * {@link System#nanoTime()} readings of the coordinator and the workers compare): phase entries from a
 * coordinator state listener, and the source's {@code freeze} and the target's {@code commit} as their
 * handlers run on the workers. With these, a cut-over splits into: hold + in-flight calls ending + freeze
 * request on its way ({@code cut → freezeIn}), freeze on the source, freeze answer back + commit request on
 * its way ({@code freezeOut → commitIn}), commit on the target, commit answer back + route switch + release
 * ({@code commitOut → done}).
 */
public final class CutOverProbe {

    /** Readings of one migration, nanoTime; 0 = not reached. */
    public static final class Times {
        public volatile String sessionId;
        public volatile long start;
        public volatile long baseCopy;
        public volatile long catchUp;
        public volatile long cut;
        /** Calls of the session in flight at the director just before the hold. */
        public volatile int inFlightAtCut = -1;
        public volatile long freezeIn;
        public volatile long freezeOut;
        public volatile long commitIn;
        public volatile long commitOut;
        public volatile long done;
        /** Garbage collections in this JVM so far, read at the cut-over's start and end. */
        public volatile long gcAtCut;
        public volatile long gcAtDone;
        /** Host-wide µs some task waited for a CPU ({@code /proc/pressure/cpu}, -1 if unavailable), same points. */
        public volatile long cpuStallAtCut = -1;
        public volatile long cpuStallAtDone = -1;
    }

    private static final Path PRESSURE = Path.of("/proc/pressure/cpu");

    private final Map<String, Times> byMigration = new ConcurrentHashMap<>();

    private Times times(String migrationId) {
        return byMigration.computeIfAbsent(migrationId, k -> new Times());
    }

    /** The readings of a migration, removed from the probe. */
    public Optional<Times> take(String migrationId) {
        return Optional.ofNullable(byMigration.remove(migrationId));
    }

    /** Forgets all readings (e.g. after a drain, whose migrations are not looked at one by one). */
    public void clear() {
        byMigration.clear();
    }

    /** Records phase entries; at the cut-over also the session's in-flight calls at the director. */
    MigrationStateListener listener(DirectorGateway gateway) {
        return (migrationId, t) -> {
            long now = System.nanoTime();
            Times x = times(migrationId);
            if (t.toState() == MigrationState.PREPARING) {
                x.start = now;
            } else if (t.toState() == MigrationState.COMPLETED || t.toState() == MigrationState.FAILED) {
                x.done = now;
                x.gcAtDone = gcCount();
                x.cpuStallAtDone = cpuStallMicros();
            } else if (t.toPhase() == MigrationPhase.BASE_COPY) {
                x.baseCopy = now;
            } else if (t.toPhase() == MigrationPhase.CATCH_UP) {
                x.catchUp = now;
            } else if (t.toPhase() == MigrationPhase.CUT_OVER) {
                x.gcAtCut = gcCount();
                x.cpuStallAtCut = cpuStallMicros();
                x.cut = System.nanoTime();
                String session = x.sessionId;
                x.inFlightAtCut = session == null ? -1 : gateway.inFlight(session);
            }
        };
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /** The {@code total=} of the {@code some} line of {@code /proc/pressure/cpu} (Linux 4.20+), or -1. */
    private static long cpuStallMicros() {
        try {
            String some = Files.readAllLines(PRESSURE).get(0);
            return Long.parseLong(some.substring(some.indexOf("total=") + 6).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A worker's migration service, timing {@code freeze} and {@code commit}. */
    MigrationProtocol wrap(MigrationProtocol d) {
        return new MigrationProtocol() {
            @Override
            public Ack prepare(Prepare r) {
                times(r.migrationId()).sessionId = r.sessionId();
                return d.prepare(r);
            }

            @Override
            public CompletableFuture<Delta> freeze(DeltaRequest r) {
                Times x = times(r.migrationId());
                x.freezeIn = System.nanoTime();
                return d.freeze(r).whenComplete((v, e) -> x.freezeOut = System.nanoTime());
            }

            @Override
            public CompletableFuture<Ack> commit(Commit r) {
                Times x = times(r.migrationId());
                x.commitIn = System.nanoTime();
                return d.commit(r).whenComplete((v, e) -> x.commitOut = System.nanoTime());
            }

            @Override public BaseExport exportBase(ExportBase r) { return d.exportBase(r); }
            @Override public Chunks exportChunks(ChunkRange r) { return d.exportChunks(r); }
            @Override public Ack importBase(BaseImport r) { return d.importBase(r); }
            @Override public Delta exportDelta(DeltaRequest r) { return d.exportDelta(r); }
            @Override public Ack applyDelta(DeltaApply r) { return d.applyDelta(r); }
            @Override public Ack handOver(HandOver r) { return d.handOver(r); }
            @Override public Ack abort(Abort r) { return d.abort(r); }
            @Override public SessionList listSessions(ListSessions r) { return d.listSessions(r); }
        };
    }
}
