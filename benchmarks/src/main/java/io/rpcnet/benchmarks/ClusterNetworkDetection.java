package io.rpcnet.benchmarks;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEvent.Type;
import io.rpcnet.cluster.membership.DirectorMembership;
import io.rpcnet.cluster.membership.MembershipService;
import io.rpcnet.cluster.membership.WorkerMembershipAgent;
import io.rpcnet.server.RpcServer;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.ServerTls;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failure detection over the real network: one director ({@link DirectorMembership} on an RpcServer) and
 * workers that are real RpcServers with a {@link WorkerMembershipAgent} each (500 ms heartbeats, QUIC + TLS on
 * 127.0.0.1, one JVM). Some workers are killed over and over, several in parallel: each runs 1..2 s (2..3 s in full mode; a random
 * heartbeat phase), is killed in-JVM (heartbeats stop abruptly without LEAVE, its server closes) and restarts
 * with a higher incarnation once the director declared it FAILED. Detection time is from the kill to the FAILED
 * event (the registry's evaluation time). A FAILED event of a worker that was not killed is a false positive.
 * The {@code -busy} run does the same while one spinning thread per core keeps every core busy.
 */
final class ClusterNetworkDetection {

    static final long HEARTBEAT_MS = 500;
    private static final long MS = 1_000_000L;
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.log.io.rpcnet.cluster.membership";

    /** Outcome of one run. */
    record Result(long[] detectionMs, long[] silenceMs, int falsePositives, int falseSuspicions, int partitions, double seconds,
                  List<String> falsePositiveDetails) {

        long percentile(double p) {
            return percentile(detectionMs, p);
        }

        static long percentile(long[] values, double p) {
            if (values.length == 0) {
                return -1;
            }
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }

    private ClusterNetworkDetection() {
    }

    /** Both runs; prints their RESULT lines. */
    static void run(boolean quick, PrintStream out) throws Exception {
        int kills = quick ? 20 : 60;
        // at most 6 of 16 workers down at once: independent crashes, never a suspected partition (> 50 %)
        int killable = 6;
        int stable = 10;
        int warmupMs = quick ? 1_000 : 2_000;
        // every FAILED would be logged at WARN by the director: keep the output to RESULT lines
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "error");
        }
        try (TlsMaterial tls = TlsMaterial.extract()) {
            for (boolean busy : new boolean[] {false, true}) {
                String name = busy ? "cluster-detection-busy" : "cluster-detection";
                Result r = new ClusterNetworkDetection.Run(tls, killable, stable, kills, warmupMs, busy).execute();
                out.printf(Locale.ROOT, "RESULT %s heartbeat_ms=%d p50_ms=%d p99_ms=%d false_positives=%d kills=%d"
                                + " min_ms=%d max_ms=%d%n", name, HEARTBEAT_MS, r.percentile(50), r.percentile(99),
                        r.falsePositives(), r.detectionMs().length, r.percentile(0), r.percentile(100));
                out.printf(Locale.ROOT, "# %s: real QUIC+TLS on 127.0.0.1, 1 director + %d workers (%d killed in turn, %d"
                                + " never), %s; SUSPECT of running workers: %d; partition events: %d; %.1f s%n", name,
                        killable + stable, killable, stable, busy ? Runtime.getRuntime().availableProcessors()
                                + " spinning threads" : "idle machine", r.falseSuspicions(), r.partitions(), r.seconds());
                out.printf(Locale.ROOT, "# %s: last heartbeat received -> FAILED p50 %d ms, p99 %d ms (the rest of the"
                                + " detection time is the kill's phase within the heartbeat interval)%n", name,
                        Result.percentile(r.silenceMs(), 50), Result.percentile(r.silenceMs(), 99));
                for (String detail : r.falsePositiveDetails()) {
                    out.println("# " + name + " false positive: " + detail);
                }
                out.flush();
            }
        }
    }

    /** One measurement: a director, the workers, and one thread per killable worker. */
    private static final class Run {
        private final TlsMaterial tls;
        private final int killable;
        private final int stable;
        private final int warmupMs;
        private final int kills;
        private final boolean busy;
        private final String secret;
        private final AtomicInteger killTickets;
        private final List<Long> detections = new ArrayList<>();
        /** Per detection: silence from the last heartbeat the director received to FAILED. */
        private final List<Long> silences = new ArrayList<>();
        /** Worker id → the incarnation that was killed and awaits detection, and when. */
        private final Map<String, long[]> awaiting = new ConcurrentHashMap<>();
        private final Map<String, CompletableFuture<ClusterEvent>> detected = new ConcurrentHashMap<>();
        /** Worker id → the incarnation currently running (killed ones are removed). */
        private final Map<String, Long> running = new ConcurrentHashMap<>();
        private final AtomicInteger falsePositives = new AtomicInteger();
        private final List<String> falsePositiveDetails = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final AtomicInteger falseSuspicions = new AtomicInteger();
        private final AtomicInteger partitions = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();

        Run(TlsMaterial tls, int killable, int stable, int kills, int warmupMs, boolean busy) {
            this.tls = tls;
            this.warmupMs = warmupMs;
            this.killable = killable;
            this.stable = stable;
            this.kills = kills;
            this.busy = busy;
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            this.secret = Base64.getEncoder().encodeToString(random);
            this.killTickets = new AtomicInteger(kills);
        }

        Result execute() throws Exception {
            long t0 = System.nanoTime();
            DirectorMembership membership = DirectorMembership.builder().secret(secret).build().start();
            RpcServer director = RpcServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                    .tls(ServerTls.fromPem(tls.serverCertPem(), tls.serverKeyPem()))
                    .addService(MembershipService.class, membership).shutdownGracePeriod(Duration.ofMillis(200))
                    .build().start();
            membership.subscribe(this::onEvent);
            String seed = "localhost:" + director.port();
            List<Thread> spinners = new ArrayList<>();
            List<Worker> stableWorkers = new ArrayList<>();
            try {
                for (int i = 0; i < stable; i++) {
                    Worker w = new Worker("stable-" + i, seed, System.currentTimeMillis());
                    stableWorkers.add(w);
                }
                if (busy) {
                    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                        Thread t = new Thread(this::spin, "spinner-" + i);
                        t.setDaemon(true);
                        t.start();
                        spinners.add(t);
                    }
                }
                List<Thread> slots = new ArrayList<>();
                List<Throwable> errors = new ArrayList<>();
                for (int i = 0; i < killable; i++) {
                    String id = "victim-" + i;
                    Thread t = new Thread(() -> {
                        try {
                            slot(id, seed);
                        } catch (Throwable e) {
                            synchronized (errors) {
                                errors.add(e);
                            }
                            stop.set(true);
                        }
                    }, "slot-" + id);
                    t.start();
                    slots.add(t);
                }
                for (Thread t : slots) {
                    t.join(TimeUnit.MINUTES.toMillis(5));
                }
                if (!errors.isEmpty()) {
                    throw new IllegalStateException("a worker slot failed", errors.get(0));
                }
            } finally {
                stop.set(true);
                for (Thread t : spinners) {
                    t.join();
                }
                stableWorkers.forEach(Worker::stop);
                membership.close();
                director.shutdown(Duration.ZERO);
            }
            long[] ms;
            long[] silent;
            synchronized (detections) {
                ms = detections.stream().mapToLong(Long::longValue).toArray();
                silent = silences.stream().mapToLong(Long::longValue).toArray();
            }
            return new Result(ms, silent, falsePositives.get(), falseSuspicions.get(), partitions.get(),
                    (System.nanoTime() - t0) / 1e9, List.copyOf(falsePositiveDetails));
        }

        /**
         * One killable worker: start, run warmup + 0..1 s (a uniformly random heartbeat phase), kill, wait for FAILED,
         * restart with a higher incarnation, while kills remain.
         */
        private void slot(String id, String seed) throws Exception {
            Worker w = new Worker(id, seed, System.currentTimeMillis());
            while (true) {
                Thread.sleep(warmupMs + ThreadLocalRandom.current().nextInt(1_000));
                if (stop.get() || killTickets.getAndDecrement() <= 0) {
                    w.stop();
                    return;
                }
                CompletableFuture<ClusterEvent> failed = new CompletableFuture<>();
                detected.put(id, failed);
                running.remove(id);
                long killedAt = System.nanoTime();
                long killedIncarnation = w.agent.incarnation(); // raised if a director asked it to re-join
                awaiting.put(id, new long[] {killedIncarnation, killedAt});
                w.kill();
                ClusterEvent event;
                try {
                    event = failed.get(15, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException(id + " #" + killedIncarnation + " killed, no FAILED within 15 s",
                            e);
                }
                synchronized (detections) {
                    detections.add((event.nanoTime() - killedAt) / MS);
                    silences.add((event.nanoTime() - event.member().lastHeartbeatNanos()) / MS);
                }
                if (stop.get() || killTickets.get() <= 0) {
                    return;
                }
                w = new Worker(id, seed, killedIncarnation + 1);
            }
        }

        private void onEvent(ClusterEvent event) {
            if (event.member() == null) {
                partitions.incrementAndGet();
                return;
            }
            String id = event.member().id().value();
            long incarnation = event.member().incarnation();
            boolean alive = running.containsKey(id);
            if (event.type() == Type.FAILED) {
                long[] killed = awaiting.get(id);
                if (killed != null && killed[0] == incarnation) {
                    awaiting.remove(id);
                    detected.get(id).complete(event);
                } else if (alive) {
                    falsePositives.incrementAndGet();
                    falsePositiveDetails.add(id + " #" + incarnation + " FAILED after "
                            + (event.nanoTime() - event.member().lastHeartbeatNanos()) / MS + " ms without heartbeat");
                }
            } else if (event.type() == Type.SUSPECT && alive) {
                falseSuspicions.incrementAndGet();
            }
        }

        /** Keeps one core busy until the run stops. */
        private void spin() {
            long x = 0;
            while (!stop.get()) {
                for (int i = 0; i < 1_000_000; i++) {
                    x += i * 31L ^ (x >>> 3);
                }
            }
            if (x == 42) {
                System.out.print("");
            }
        }

        /** A worker: an RpcServer with the benchmark's Echo service plus its membership agent. */
        private final class Worker {
            final long incarnation;
            final RpcServer server;
            final WorkerMembershipAgent agent;

            Worker(String id, String seed, long incarnation) throws Exception {
                this.incarnation = incarnation;
                Echo echo = CompletableFuture::completedFuture;
                this.server = RpcServer.builder().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                        .tls(ServerTls.fromPem(tls.serverCertPem(), tls.serverKeyPem()))
                        .addService(Echo.class, echo).shutdownGracePeriod(Duration.ofMillis(100)).build().start();
                this.agent = WorkerMembershipAgent.builder().memberId(id).advertisedAddress("localhost:" + server.port())
                        .tags(Map.of("role", "worker")).seed(seed).secret(secret)
                        .tls(ClientTls.trusting(tls.caPem())).heartbeatInterval(Duration.ofMillis(HEARTBEAT_MS))
                        .load(WorkerMembershipAgent.inFlightCallsOf(server)).incarnation(incarnation).build();
                running.put(id, incarnation);
                agent.join().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }

            /** In-JVM crash: heartbeats stop without LEAVE, the server goes away. */
            void kill() {
                agent.closeAbruptly();
                server.shutdown(Duration.ZERO);
            }

            void stop() {
                running.remove(agent.localMember().value());
                agent.close();
                server.shutdown(Duration.ZERO);
            }
        }
    }
}
