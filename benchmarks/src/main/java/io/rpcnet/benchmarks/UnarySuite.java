package io.rpcnet.benchmarks;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Unary echo: RpcNet (default configuration) against grpc-java over TLS with its default executor
 * and with {@code directExecutor()}, at 64 B / 1 KiB / 64 KiB and 1 / 64 callers, closed loop, all
 * in this JVM on 127.0.0.1. The three systems are measured back to back for each case, in an order
 * that rotates per case and round so drift and noise hit all of them alike. Finishes with a heap
 * check across many RpcNet calls.
 *
 * <p>Case {@value #MANY_CONNECTIONS_CASE} ({@code --case many-connections} runs it alone): {@value #CONNECTIONS}
 * client connections, 64 B at c64, against a server with one I/O thread (one UDP socket) and one with two (two
 * sockets with SO_REUSEPORT on epoll), back to back in rotating order.
 */
final class UnarySuite implements Suite {

    private static final String RPCNET = "rpcnet";
    private static final String GRPC_DEFAULT = "grpc-default";
    private static final String GRPC_DIRECT = "grpc-direct";
    private static final List<String> SYSTEMS = List.of(RPCNET, GRPC_DEFAULT, GRPC_DIRECT);

    private static final int[] PAYLOADS = {64, 1024, 64 * 1024};
    private static final int[] CONCURRENCY = {1, 64};

    private static final String MANY_CONNECTIONS_CASE = "unary-many-connections";
    /** Client connections of {@value #MANY_CONNECTIONS_CASE}. */
    private static final int CONNECTIONS = 8;

    /** Timings of one mode. */
    private record Plan(long warmupPerSystemMillis, int rounds, long caseWarmupMillis, long caseMeasureMillis,
                        long heapCalls, long heapMaxMillis, String heapLabel, int manyConnectionsRounds) {
    }

    private static final Plan QUICK = new Plan(2_400, 1, 300, 1_000, 200_000, 12_000, "200000(quick)", 2);
    private static final Plan FULL = new Plan(6_000, 3, 500, 2_000, 1_000_000, 180_000, "1000000", 4);

    @Override
    public void run(Options options, PrintStream out) throws Exception {
        Plan plan = options.quick() ? QUICK : FULL;
        out.printf("# unary: %s mode, %d round(s) x %d ms per system per case, java %s, %d cpus, max heap %d MB%n",
                options.quick() ? "quick" : "full", plan.rounds, plan.caseMeasureMillis,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        out.println("# load average at start: " + loadAverage());
        if (options.only() != null) {
            if (!options.only().equals("many-connections") && !options.only().equals(MANY_CONNECTIONS_CASE)) {
                throw new IllegalArgumentException("unknown case " + options.only() + " (cases: many-connections)");
            }
            try (TlsMaterial tls = TlsMaterial.extract()) {
                manyConnections(tls, plan, out);
            }
            return;
        }
        try (TlsMaterial tls = TlsMaterial.extract()) {
            Map<String, UnarySystem> systems = new LinkedHashMap<>();
            Map<String, Throwable> failed = new LinkedHashMap<>();
            for (String name : SYSTEMS) {
                try {
                    systems.put(name, open(name, tls));
                } catch (Throwable t) {
                    failed.put(name, t);
                    out.printf("# %s failed to start: %s%n", name, t);
                    t.printStackTrace(System.err);
                }
            }
            try {
                warmUp(systems, plan, out);
                int caseIndex = 0;
                for (int payloadSize : PAYLOADS) {
                    for (int concurrency : CONCURRENCY) {
                        runCase(systems, plan, payloadSize, concurrency, caseIndex++, out);
                    }
                }
                for (String grpc : List.of(GRPC_DEFAULT, GRPC_DIRECT)) {
                    closeQuietly(systems.remove(grpc), out);
                }
                manyConnections(tls, plan, out);
                out.println("# load average after cases: " + loadAverage());
                UnarySystem rpcnet = systems.get(RPCNET);
                if (rpcnet != null) {
                    heapCheck(rpcnet, plan, out);
                } else {
                    out.printf("# heap check skipped: rpcnet did not start (%s)%n", failed.get(RPCNET));
                }
            } finally {
                for (UnarySystem s : systems.values()) {
                    closeQuietly(s, out);
                }
            }
        }
    }

    private static UnarySystem open(String name, TlsMaterial tls) throws Exception {
        return switch (name) {
            case RPCNET -> new RpcNetEchoSystem(tls);
            case GRPC_DEFAULT -> new GrpcEchoSystem(tls, false);
            case GRPC_DIRECT -> new GrpcEchoSystem(tls, true);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** JIT and connection warm-up: every system goes through every payload and concurrency. */
    private static void warmUp(Map<String, UnarySystem> systems, Plan plan, PrintStream out) throws InterruptedException {
        long slice = plan.warmupPerSystemMillis / (PAYLOADS.length * CONCURRENCY.length);
        for (UnarySystem s : systems.values()) {
            long t0 = System.nanoTime();
            long calls = 0;
            long errors = 0;
            for (int payloadSize : PAYLOADS) {
                for (int concurrency : CONCURRENCY) {
                    ClosedLoop.Result r = ClosedLoop.timed(s, payload(payloadSize), concurrency, 0, slice);
                    calls += r.completed();
                    errors += r.errors();
                }
            }
            out.printf("# warm-up %s: %d calls, %d errors in %.1f s%n", s.name(), calls, errors,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private static void runCase(Map<String, UnarySystem> systems, Plan plan, int payloadSize, int concurrency,
                                int caseIndex, PrintStream out) throws InterruptedException {
        byte[] payload = payload(payloadSize);
        Map<String, ClosedLoop.Result> results = new LinkedHashMap<>();
        for (String name : SYSTEMS) {
            results.put(name, ClosedLoop.Result.empty());
        }
        UdpCounters udp = new UdpCounters(0, 0, 0, 0);
        for (int round = 0; round < plan.rounds; round++) {
            for (int k = 0; k < SYSTEMS.size(); k++) {
                String name = SYSTEMS.get((k + caseIndex + round) % SYSTEMS.size());
                UnarySystem s = systems.get(name);
                if (s == null) {
                    continue;
                }
                UdpCounters before = UdpCounters.read();
                ClosedLoop.Result r = ClosedLoop.timed(s, payload, concurrency, plan.caseWarmupMillis,
                        plan.caseMeasureMillis);
                results.merge(name, r, ClosedLoop.Result::plus);
                if (name.equals(RPCNET)) {
                    udp = udp.plus(UdpCounters.read().minus(before));
                }
            }
        }
        String suffix = label(payloadSize) + "-c" + concurrency;
        for (Map.Entry<String, ClosedLoop.Result> e : results.entrySet()) {
            ClosedLoop.Result r = e.getValue();
            out.println(fmt("RESULT unary-%s-%s rps=%.0f p50_us=%.1f p99_us=%.1f",
                    e.getKey(), suffix, r.rps(), r.p50Micros(), r.p99Micros()));
            if (r.errors() > 0 || r.stuck() > 0) {
                out.println(fmt("# unary-%s-%s errors=%d stuck_callers=%d first_error=%s",
                        e.getKey(), suffix, r.errors(), r.stuck(), r.firstError()));
            }
        }
        ClosedLoop.Result rpc = results.get(RPCNET);
        if (rpc.allCalls() > 0) {
            // both ends are in this host: "sent" counts client->server and server->client datagrams
            out.println(fmt("# unary-rpcnet-%s udp_datagrams_sent_per_call=%.2f udp_rcvbuf_errors=%d"
                            + " udp_sndbuf_errors=%d (host-wide /proc/net/snmp deltas)",
                    suffix, (double) udp.outDatagrams() / rpc.allCalls(), udp.rcvbufErrors(), udp.sndbufErrors()));
        }
        ClosedLoop.Result direct = results.get(GRPC_DIRECT);
        ClosedLoop.Result dflt = results.get(GRPC_DEFAULT);
        out.println(fmt("RESULT unary-ratio-%s vs_grpc_direct=%.2f vs_grpc_default=%.2f p99_vs_grpc_direct=%.2f",
                suffix, ratio(rpc.rps(), direct.rps()), ratio(rpc.rps(), dflt.rps()),
                ratio(rpc.p99Micros(), direct.p99Micros())));
        out.flush();
    }

    /**
     * {@value #CONNECTIONS} client connections against a server with one I/O thread (one socket) and against one
     * with two (two sockets, SO_REUSEPORT, on epoll): each warmed up, then measured in alternating order.
     */
    private static void manyConnections(TlsMaterial tls, Plan plan, PrintStream out) throws Exception {
        byte[] payload = payload(64);
        int concurrency = 64;
        List<ManyConnectionsSystem> systems = new ArrayList<>();
        try {
            systems.add(new ManyConnectionsSystem("sockets1", tls, 1, CONNECTIONS));
            systems.add(new ManyConnectionsSystem("sockets2", tls, 2, CONNECTIONS));
            for (ManyConnectionsSystem s : systems) {
                out.printf("# %s %s: %d client connections landed on server I/O threads %s%n", MANY_CONNECTIONS_CASE,
                        s.name(), CONNECTIONS, s.serverThreadsUsed());
                ClosedLoop.timed(s, payload, concurrency, 0, plan.warmupPerSystemMillis / 2);
            }
            ClosedLoop.Result[] results = {ClosedLoop.Result.empty(), ClosedLoop.Result.empty()};
            List<List<Long>> perRound = List.of(new ArrayList<>(), new ArrayList<>());
            for (int round = 0; round < plan.manyConnectionsRounds; round++) {
                for (int k = 0; k < 2; k++) {
                    int i = (k + round) % 2;
                    ClosedLoop.Result r = ClosedLoop.timed(systems.get(i), payload, concurrency,
                            plan.caseWarmupMillis, plan.caseMeasureMillis);
                    results[i] = results[i].plus(r);
                    perRound.get(i).add(Math.round(r.rps()));
                }
            }
            out.printf("# %s rps per round: sockets1=%s sockets2=%s%n", MANY_CONNECTIONS_CASE, perRound.get(0),
                    perRound.get(1));
            for (int i = 0; i < 2; i++) {
                ClosedLoop.Result r = results[i];
                if (r.errors() > 0 || r.stuck() > 0) {
                    out.println(fmt("# %s-%s errors=%d stuck_callers=%d first_error=%s", MANY_CONNECTIONS_CASE,
                            systems.get(i).name(), r.errors(), r.stuck(), r.firstError()));
                }
            }
            out.println(fmt("RESULT %s sockets1_rps=%.0f sockets2_rps=%.0f ratio=%.2f sockets1_p99_us=%.1f"
                            + " sockets2_p99_us=%.1f", MANY_CONNECTIONS_CASE, results[0].rps(), results[1].rps(),
                    ratio(results[1].rps(), results[0].rps()), results[0].p99Micros(), results[1].p99Micros()));
            out.flush();
        } finally {
            for (ManyConnectionsSystem s : systems) {
                closeQuietly(s, out);
            }
        }
    }

    /**
     * Heap used after {@code System.gc()} across many RpcNet calls at c64 / 64 B, sampled before the
     * run and after each tenth of it. Server and client share this JVM, so it is the heap of both.
     */
    private static void heapCheck(UnarySystem rpcnet, Plan plan, PrintStream out) throws InterruptedException {
        int samples = 10;
        long chunk = plan.heapCalls / samples;
        byte[] payload = payload(64);
        List<Double> heap = new ArrayList<>();
        List<Long> chunkRps = new ArrayList<>();
        heap.add(usedHeapMbAfterGc());
        long deadline = System.nanoTime() + plan.heapMaxMillis * 1_000_000;
        long calls = 0;
        long errors = 0;
        boolean capped = false;
        for (int i = 0; i < samples; i++) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                capped = true;
                break;
            }
            ClosedLoop.Result r = ClosedLoop.counted(rpcnet, payload, 64, chunk, left);
            calls += r.completed();
            errors += r.errors();
            chunkRps.add(Math.round(r.rps()));
            heap.add(usedHeapMbAfterGc());
            if (r.completed() + r.errors() < chunk) {
                capped = true;
                break;
            }
        }
        double max = heap.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        StringBuilder series = new StringBuilder();
        for (double h : heap) {
            series.append(fmt(" %.1f", h));
        }
        out.println(fmt("# heap check (whole JVM: RpcNet server + client), used MB after GC at each tenth:%s", series));
        out.println("# heap check chunk rps: " + chunkRps + (errors > 0 ? " errors=" + errors : ""));
        String callsLabel = capped
                ? calls + "(capped_after_" + plan.heapMaxMillis / 1000 + "s_of_" + plan.heapCalls + ")"
                : plan.heapLabel;
        out.println(fmt("RESULT unary-rpcnet-heap calls=%s heap_mb_start=%.1f heap_mb_end=%.1f heap_mb_max=%.1f",
                callsLabel, heap.get(0), heap.get(heap.size() - 1), max));
        out.flush();
    }

    /** Minimum of three readings, each right after a full GC. */
    private static double usedHeapMbAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best / (1024.0 * 1024.0);
    }

    /** {@code /proc/loadavg} (other work on the host skews results), or "n/a". */
    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void closeQuietly(UnarySystem s, PrintStream out) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (Exception e) {
            out.printf("# closing %s failed: %s%n", s.name(), e);
        }
    }

    private static byte[] payload(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static String label(int size) {
        return size >= 1024 ? (size / 1024) + "KiB" : size + "B";
    }

    private static double ratio(double a, double b) {
        return b > 0 && !Double.isNaN(a) && !Double.isNaN(b) ? a / b : Double.NaN;
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
