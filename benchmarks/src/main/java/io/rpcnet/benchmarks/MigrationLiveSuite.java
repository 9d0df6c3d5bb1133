package io.rpcnet.benchmarks;

import io.rpcnet.benchmarks.migration.CutOverProbe;
import io.rpcnet.benchmarks.migration.LiveCluster;
import io.rpcnet.benchmarks.migration.SessionLoad;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.coordinator.DrainReport;
import io.rpcnet.migration.coordinator.MigrationCoordinator;
import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.coordinator.MigrationSettings;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.ServerTls;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;

/**
 * Live migration end to end: one director and two workers on 127.0.0.1 with QUIC + TLS in this JVM
 * ({@link LiveCluster}), a client calling through the director.
 * <ul>
 *   <li>{@code migration-live-<size>}: sessions with 1 KiB .. 10 MiB of state under steady load
 *       ({@link SessionLoad}) move back and forth between the workers, one migration at a time; pause and
 *       total time per migration, failed calls, and the client's p99 latency during the migrations over the
 *       same load's p99 before them.</li>
 *   <li>{@code drain}: a worker holding 1000 sessions (50 of them under load) is drained.</li>
 *   <li>{@code gateway-overhead}: the same closed-loop 64 B echo load straight to a worker and through the
 *       director, alternating; 32 calls in flight ({@code -Drpcnet.bench.gatewayConcurrency=N} for others).</li>
 * </ul>
 * The pause budget is 1 s so that no migration rolls back because the shared machine stalled. Progress and
 * commentary go to standard error.
 */
final class MigrationLiveSuite implements Suite {

    private static final PrintStream LOG = System.err;
    private static final Duration PAUSE_BUDGET = Duration.ofSeconds(1);
    /** Migrations at once during a drain; see the README for 16 / 32 / 64 on two cores. */
    static final int DRAIN_MAX_CONCURRENT = Integer.getInteger("rpcnet.bench.drainMaxConcurrent", 32);

    private record Size(String label, int bytes) {
    }

    private static final List<Size> SIZES = List.of(new Size("1KiB", 1024), new Size("100KiB", 100 * 1024),
            new Size("1MiB", 1024 * 1024), new Size("10MiB", 10 * 1024 * 1024));

    /** Timings of one mode. */
    private record Plan(int warmupMigrations, int sessions, int bigSessions, int migrations, int bigMigrations,
                        long baselineMillis, int loadThreads, int callsPerSecond, int drainSessions, int drainLoaded,
                        int[] drainTrials, long echoWarmupMillis, int echoRounds, long echoMeasureMillis) {
    }

    // warm-up migrations, sessions (10 MiB: bigSessions), migrations (10 MiB: bigMigrations), baseline ms, load
    // threads, calls/s, drain sessions, loaded ones, drain trials (max concurrent), echo warm-up ms, rounds, ms
    private static final Plan QUICK = new Plan(20, 8, 4, 10, 3, 1_500, 4, 2_000, 1_000, 50, new int[] {16, 32, 64},
            1_000, 2, 1_500);
    private static final Plan FULL = new Plan(50, 20, 6, 100, 20, 5_000, 4, 2_000, 1_000, 50,
            new int[] {16, 32, 64, 64, 32, 16}, 3_000, 3, 3_000);

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        Plan plan = options.quick() ? QUICK : FULL;
        LOG.printf("# migration-live: %s mode, java %s, %d cpus, max heap %d MB, load average %s%n",
                options.quick() ? "quick" : "full", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                UnarySuite.loadAverage());
        LOG.printf("# steady load: %d client threads, %d calls/s in total, Counter.increment through the director;"
                + " pause budget %d ms%n", plan.loadThreads, plan.callsPerSecond, PAUSE_BUDGET.toMillis());
        try (TlsMaterial tls = TlsMaterial.extract()) {
            ServerTls serverTls = ServerTls.fromPem(tls.serverCertPem(), tls.serverKeyPem());
            ClientTls clientTls = ClientTls.trusting(tls.caPem());
            try (LiveCluster cluster = new LiveCluster(serverTls, clientTls)) {
                MigrationCoordinator coordinator = cluster.coordinator(settings(MigrationSettings.defaults()
                        .maxConcurrent()));
                List<Size> sizes = SIZES.stream().filter(s -> options.runs("migration-live-" + s.label)).toList();
                if (!sizes.isEmpty()) {
                    warmUp(cluster, coordinator, plan);
                }
                for (Size size : sizes) {
                    migrations(cluster, coordinator, size, plan, out);
                }
                if (options.runs("gateway-overhead")) {
                    gatewayOverhead(cluster, plan, out);
                }
            }
            if (options.runs("drain")) {
                try (LiveCluster cluster = new LiveCluster(serverTls, clientTls)) {
                    drain(cluster, plan, out);
                }
            }
        }
        LOG.println("# load average at the end: " + UnarySuite.loadAverage());
    }

    private static MigrationSettings settings(int maxConcurrent) {
        return MigrationSettings.builder().pauseBudget(PAUSE_BUDGET).maxConcurrent(maxConcurrent).build();
    }

    // ---- migration-live-<size> ------------------------------------------------------------------------

    /** JIT warm-up of every migration path (inline and chunked base copies), nothing reported. */
    private static void warmUp(LiveCluster cluster, MigrationCoordinator coordinator, Plan plan) throws Exception {
        long t0 = System.nanoTime();
        List<String> sessions = new ArrayList<>(cluster.open(4, 1024, LiveCluster.W1));
        sessions.addAll(cluster.open(2, 1024 * 1024, LiveCluster.W1));
        int failed = 0;
        try (SessionLoad load = new SessionLoad(cluster, sessions, plan.loadThreads, plan.callsPerSecond,
                new ConcurrentHashMap<>())) {
            for (int i = 0; i < plan.warmupMigrations; i++) {
                String id = sessions.get(i % sessions.size());
                MigrationOutcome o = coordinator.migrate(id, LiveCluster.other(cluster.owner(id)).value(),
                        MigrationParty.OPERATOR, "warm-up").outcome().get(120, TimeUnit.SECONDS);
                failed += o.completed() ? 0 : 1;
                cluster.probe.take(o.migrationId());
            }
            failed += (int) load.failed();
        }
        LOG.printf("# warm-up: %d migrations of 1 KiB and 1 MiB sessions under load in %.1f s (%d failures)%n",
                plan.warmupMigrations, secondsSince(t0), failed);
    }

    private static void migrations(LiveCluster cluster, MigrationCoordinator coordinator, Size size, Plan plan,
                                   PrintStream out) throws Exception {
        boolean big = size.bytes >= 10 * 1024 * 1024;
        int sessionCount = big ? plan.bigSessions : plan.sessions;
        int migrationCount = big ? plan.bigMigrations : plan.migrations;
        long t0 = System.nanoTime();
        List<String> sessions = cluster.open(sessionCount, size.bytes, LiveCluster.W1);
        LOG.printf("# %s: %d sessions opened on w1 in %.1f s%n", size.label, sessionCount, secondsSince(t0));
        Map<String, Long> counters = new ConcurrentHashMap<>();
        List<MigrationOutcome> outcomes = new ArrayList<>();
        List<CutOverProbe.Times> probes = new ArrayList<>();
        Histogram baseline;
        Histogram during;
        long failedCalls;
        long calls;
        double migratingSeconds;
        String firstFailure;
        try (SessionLoad load = new SessionLoad(cluster, sessions, plan.loadThreads, plan.callsPerSecond, counters)) {
            Thread.sleep(300); // connections and JIT settle
            load.window();
            Thread.sleep(plan.baselineMillis);
            baseline = load.window();
            long m0 = System.nanoTime();
            for (int i = 0; i < migrationCount; i++) {
                String id = sessions.get(i % sessions.size());
                MemberId target = LiveCluster.other(cluster.owner(id));
                MigrationOutcome o = coordinator.migrate(id, target.value(), MigrationParty.OPERATOR, "benchmark")
                        .outcome().get(120, TimeUnit.SECONDS);
                outcomes.add(o);
                cluster.probe.take(o.migrationId()).ifPresent(probes::add);
                if (!o.completed()) {
                    LOG.printf("# %s: migration %d of %s failed: %s %s%n", size.label, i, id, o.error().orElse(null),
                            o.detail());
                }
            }
            migratingSeconds = secondsSince(m0);
            during = load.window();
            calls = load.calls();
            failedCalls = load.failed();
            firstFailure = load.firstFailure();
        }
        long failedMigrations = outcomes.stream().filter(o -> !o.completed()).count();
        long[] pause = sortedNanos(outcomes, o -> o.pause().toNanos());
        long[] total = sortedNanos(outcomes, o -> o.duration().toNanos());
        double baseP99 = baseline.getValueAtPercentile(99) / 1e6;
        double duringP99 = during.getValueAtPercentile(99) / 1e6;
        out.println(fmt("RESULT migration-live-%s pause_p50_ms=%.2f pause_p99_ms=%.2f total_p99_ms=%.2f"
                        + " failed_calls=%d added_p99_latency_ms=%.2f failed_migrations=%d migrations=%d sessions=%d",
                size.label, pct(pause, 50), pct(pause, 99), pct(total, 99), failedCalls,
                Math.max(0, duringP99 - baseP99), failedMigrations, outcomes.size(), sessionCount));
        out.flush();
        LOG.println(fmt("# %s: %d migrations in %.1f s; pause max %.2f ms; total p50 %.1f ms, max %.1f ms; state %d"
                        + " bytes encoded; client calls: baseline p50/p99 %.2f/%.2f ms (%d calls), during migrations"
                        + " p50/p99/max %.2f/%.2f/%.2f ms (%d calls); %d calls in all%s",
                size.label, outcomes.size(), migratingSeconds, pct(pause, 100), pct(total, 50), pct(total, 100),
                outcomes.isEmpty() ? 0 : outcomes.get(0).stateBytes(), baseline.getValueAtPercentile(50) / 1e6,
                baseP99, baseline.getTotalCount(), during.getValueAtPercentile(50) / 1e6, duringP99,
                during.getMaxValue() / 1e6, during.getTotalCount(), calls,
                firstFailure == null ? "" : "; first failed call: " + firstFailure));
        breakdown(size.label, probes);
    }

    /** Where the time of the migrations went, from the {@link CutOverProbe} readings (p50 / p99, ms). */
    private static void breakdown(String label, List<CutOverProbe.Times> probes) {
        List<CutOverProbe.Times> done = probes.stream().filter(t -> t.start > 0 && t.cut > 0 && t.done > 0
                && t.freezeIn > 0 && t.commitOut > 0).toList();
        if (done.isEmpty()) {
            return;
        }
        long withInFlight = done.stream().filter(t -> t.inFlightAtCut > 0).count();
        LOG.println(fmt("# %s phases p50/p99 ms: prepare %s, base copy %s, catch-up %s, cut-over %s", label,
                span(done, t -> t.baseCopy - t.start), span(done, t -> t.catchUp - t.baseCopy),
                span(done, t -> t.cut - t.catchUp), span(done, t -> t.done - t.cut)));
        LOG.println(fmt("# %s cut-over p50/p99 ms: hold + in-flight drained + freeze sent %s (a call in flight at the"
                        + " hold: %d of %d), freeze on source %s, answer + commit sent %s, commit on target %s,"
                        + " answer + route switch + release %s; %d of %d cut-overs overlapped a GC", label,
                span(done, t -> t.freezeIn - t.cut), withInFlight, done.size(),
                span(done, t -> t.freezeOut - t.freezeIn), span(done, t -> t.commitIn - t.freezeOut),
                span(done, t -> t.commitOut - t.commitIn), span(done, t -> t.done - t.commitOut),
                done.stream().filter(t -> t.gcAtDone > t.gcAtCut).count(), done.size()));
        StringBuilder slowest = new StringBuilder();
        done.stream().sorted(Comparator.comparingLong((CutOverProbe.Times t) -> t.done - t.cut).reversed()).limit(3)
                .forEach(t -> slowest.append(fmt(" [%.2f = %.2f + %.2f + %.2f + %.2f + %.2f; in flight %d; GCs %d;"
                                + " host CPU stall %s]", ms(t.done - t.cut), ms(t.freezeIn - t.cut),
                        ms(t.freezeOut - t.freezeIn), ms(t.commitIn - t.freezeOut), ms(t.commitOut - t.commitIn),
                        ms(t.done - t.commitOut), t.inFlightAtCut, t.gcAtDone - t.gcAtCut,
                        t.cpuStallAtCut < 0 ? "n/a" : fmt("%.0f%%", Math.min(100, (t.cpuStallAtDone - t.cpuStallAtCut)
                                * 1e5 / Math.max(1, t.done - t.cut))))));
        LOG.println(fmt("# %s slowest cut-overs, ms (the five steps above; host CPU stall: share of the cut-over during"
                + " which some task on the host waited for a CPU, /proc/pressure/cpu, coarse):%s", label, slowest));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String span(List<CutOverProbe.Times> probes, ToLongFunction<CutOverProbe.Times> f) {
        long[] v = probes.stream().mapToLong(f).sorted().toArray();
        return fmt("%.2f/%.2f", pct(v, 50), pct(v, 99));
    }

    // ---- drain ------------------------------------------------------------------------------------------

    private static void drain(LiveCluster cluster, Plan plan, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        List<String> sessions = cluster.open(plan.drainSessions, 1024, LiveCluster.W1);
        LOG.printf("# drain: %d sessions of 1 KiB opened on w1 in %.1f s; %d of them under load%n",
                sessions.size(), secondsSince(t0), plan.drainLoaded);
        Map<String, Long> counters = new ConcurrentHashMap<>();
        List<String> loaded = sessions.subList(0, Math.min(plan.drainLoaded, sessions.size()));
        LOG.println("# drain warm-up: " + drainOnce(cluster, loaded, counters, DRAIN_MAX_CONCURRENT, plan).describe());
        Map<Integer, List<Double>> trials = new TreeMap<>();
        for (int maxConcurrent : plan.drainTrials) {
            DrainRun r = drainOnce(cluster, loaded, counters, maxConcurrent, plan);
            trials.computeIfAbsent(maxConcurrent, k -> new ArrayList<>()).add(Math.round(r.seconds * 100) / 100.0);
            LOG.println(fmt("# drain trial max_concurrent=%d: %s", maxConcurrent, r.describe()));
        }
        if (!trials.isEmpty()) {
            LOG.println("# drain seconds by max_concurrent: " + trials);
        }
        DrainRun r = drainOnce(cluster, loaded, counters, DRAIN_MAX_CONCURRENT, plan);
        out.println(fmt("RESULT drain sessions=%d seconds=%.2f failed_calls=%d drained=%s migrated=%d"
                        + " failed_migrations=%d max_concurrent=%d", sessions.size(), r.seconds, r.failedCalls,
                r.report.drained(), r.report.migrated(), r.report.failed(), DRAIN_MAX_CONCURRENT));
        out.flush();
        LOG.println("# drain: " + r.describe());
    }

    private record DrainRun(DrainReport report, double seconds, long failedCalls, long calls, String firstFailure,
                            Histogram latency) {
        String describe() {
            return fmt("%s -> drained=%s in %.2f s (%.0f migrations/s), migrated=%d, failed=%d, remaining=%d,"
                            + " errors=%s; %d calls on the loaded sessions, %d failed%s; their latency during the drain"
                            + " p50/p99/max %.2f/%.2f/%.2f ms", report.worker(),
                    report.drained(), seconds, report.migrated() / seconds, report.migrated(), report.failed(),
                    report.remaining(), report.errors(), calls, failedCalls,
                    firstFailure == null ? "" : " (first: " + firstFailure + ")",
                    latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
                    latency.getMaxValue() / 1e6);
        }
    }

    /** Drains whichever worker holds the sessions now (the other one takes them), then uncordons it. */
    private static DrainRun drainOnce(LiveCluster cluster, List<String> loaded, Map<String, Long> counters,
                                      int maxConcurrent, Plan plan) throws Exception {
        MemberId source = cluster.owner(loaded.get(0));
        MigrationCoordinator coordinator = cluster.coordinator(settings(maxConcurrent));
        SessionLoad load = new SessionLoad(cluster, loaded, plan.loadThreads, plan.callsPerSecond, counters);
        try {
            Thread.sleep(300);
            load.window();
            long t0 = System.nanoTime();
            DrainReport report = coordinator.drain(source.value()).get(300, TimeUnit.SECONDS);
            double seconds = secondsSince(t0);
            Histogram latency = load.window();
            Thread.sleep(200); // calls right after the drain count too
            load.close();
            return new DrainRun(report, seconds, load.failed(), load.calls(), load.firstFailure(), latency);
        } finally {
            load.close();
            coordinator.close();
            cluster.registry.uncordon(source);
            cluster.probe.clear();
        }
    }

    // ---- gateway-overhead -------------------------------------------------------------------------------

    /** An {@link Echo} proxy on a client, as a {@link UnarySystem} for {@link ClosedLoop}. */
    private record EchoOver(String name, Echo echo) implements UnarySystem {
        @Override
        public void call(byte[] payload, Callback callback) {
            echo.echo(payload).whenComplete(callback::done);
        }

        @Override
        public void close() {
        }
    }

    private static void gatewayOverhead(LiveCluster cluster, Plan plan, PrintStream out) throws Exception {
        int concurrency = Integer.getInteger("rpcnet.bench.gatewayConcurrency", 32);
        byte[] payload = new byte[64];
        new Random(64).nextBytes(payload);
        // both paths end at w1: the director's session-less calls go to the one uncordoned worker
        cluster.registry.cordon(LiveCluster.W2);
        try (RpcClient direct = cluster.directClient(LiveCluster.W1)) {
            UnarySystem viaWorker = new EchoOver("direct", direct.proxy(Echo.class));
            UnarySystem viaDirector = new EchoOver("director", cluster.client.proxy(Echo.class));
            List<UnarySystem> both = List.of(viaWorker, viaDirector);
            for (UnarySystem s : both) {
                ClosedLoop.Result w = ClosedLoop.timed(s, payload, concurrency, 0, plan.echoWarmupMillis);
                LOG.printf("# gateway-overhead warm-up %s: %d calls, %d errors%n", s.name(), w.allCalls(), w.errors());
            }
            ClosedLoop.Result[] results = {ClosedLoop.Result.empty(), ClosedLoop.Result.empty()};
            UdpCounters[] udp = {new UdpCounters(0, 0, 0, 0), new UdpCounters(0, 0, 0, 0)};
            long[] cpuNanos = new long[2];
            for (int round = 0; round < plan.echoRounds; round++) {
                for (int k = 0; k < 2; k++) {
                    int which = (k + round) % 2; // direct first in even rounds, director first in odd ones
                    UdpCounters before = UdpCounters.read();
                    long cpu0 = processCpuNanos();
                    results[which] = results[which].plus(ClosedLoop.timed(both.get(which), payload, concurrency, 200,
                            plan.echoMeasureMillis));
                    cpuNanos[which] += processCpuNanos() - cpu0;
                    udp[which] = udp[which].plus(UdpCounters.read().minus(before));
                }
            }
            ClosedLoop.Result d = results[0];
            ClosedLoop.Result g = results[1];
            out.println(fmt("RESULT gateway-overhead rps_ratio=%.2f p99_ratio=%.2f direct_rps=%.0f director_rps=%.0f"
                            + " direct_p99_us=%.0f director_p99_us=%.0f direct_p50_us=%.0f director_p50_us=%.0f",
                    g.rps() / d.rps(), g.p99Micros() / d.p99Micros(), d.rps(), g.rps(), d.p99Micros(),
                    g.p99Micros(), d.p50Micros(), g.p50Micros()));
            out.flush();
            LOG.println(fmt("# gateway-overhead: 64 B echo, closed loop, %d in flight, %d round(s) x %d ms per path,"
                            + " one worker (w2 cordoned); errors direct=%d director=%d; UDP datagrams sent per call"
                            + " (host-wide /proc/net/snmp, all hops): direct %.2f, director %.2f; process CPU per call"
                            + " (client, director and worker together): direct %.1f us, director %.1f us", concurrency,
                    plan.echoRounds, plan.echoMeasureMillis, d.errors(), g.errors(),
                    (double) udp[0].outDatagrams() / d.allCalls(), (double) udp[1].outDatagrams() / g.allCalls(),
                    cpuNanos[0] / 1e3 / Math.max(1, d.allCalls()), cpuNanos[1] / 1e3 / Math.max(1, g.allCalls())));
        } finally {
            cluster.registry.uncordon(LiveCluster.W2);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** CPU time of this JVM so far, or 0 where the platform does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    private static long[] sortedNanos(List<MigrationOutcome> outcomes, ToLongFunction<MigrationOutcome> nanos) {
        return outcomes.stream().mapToLong(nanos).sorted().toArray();
    }

    /** Nearest-rank percentile of sorted nanosecond values, in ms (NaN when empty). */
    private static double pct(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
