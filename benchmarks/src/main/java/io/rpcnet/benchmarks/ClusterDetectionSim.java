package io.rpcnet.benchmarks;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.registry.RegistryConfig;
import io.rpcnet.cluster.registry.WorkerRegistry;

import java.util.Arrays;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Failure detection on a simulated clock: the real {@link WorkerRegistry} with default settings, fed by
 * simulated workers, evaluated every 100 ms. Workers beat every 500 ms (fixed rate, random phase); each beat
 * gets sender jitter (normal), a network delay (0.2 ms + exponential) and, with some probability, a stall
 * (GC pause, CPU starvation). Beats of one worker arrive in order (one QUIC stream), so a stall also delays
 * the beats behind it. One worker at a time is killed at a random instant; detection time is from the kill to
 * the FAILED event. The victim restarts with a higher incarnation 2 s after detection. Any FAILED of a
 * running worker is a false positive. Nothing here measures a real network.
 */
final class ClusterDetectionSim {

    static final long MS = 1_000_000L;
    static final long HEARTBEAT_MS = 500;
    static final long TICK_MS = 100;

    /** How heartbeats are disturbed. */
    record Profile(String name, double jitterSdMs, double stallProbability, int stallMinMs, int stallMaxMs) {
    }

    /** Outcome of one simulation. */
    record Result(long[] detectionMs, int falsePositives, int falseSuspicions, long beats, long simulatedSeconds) {

        long percentile(double p) {
            long[] sorted = detectionMs.clone();
            Arrays.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }

    private static final int BEAT = 0;
    private static final int TICK = 1;
    private static final int KILL = 2;
    private static final int RESTART = 3;

    /** Per simulated worker. */
    private static final class Worker {
        final MemberId id;
        long incarnation = 1;
        long nextScheduledNanos;
        long lastSendNanos;
        long lastArrivalNanos;
        boolean running = true;
        long killedAtNanos = -1;
        boolean awaitingDetection;

        Worker(String id) {
            this.id = MemberId.of(id);
        }
    }

    private final Profile profile;
    private final Random random;
    private final Worker[] workers;
    private final WorkerRegistry registry = new WorkerRegistry(RegistryConfig.DEFAULT);
    private final PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    private final long[] detections;
    private int detected;
    private int falsePositives;
    private int falseSuspicions;
    private long beats;
    private long now;

    private ClusterDetectionSim(Profile profile, int workerCount, int kills, long seed) {
        this.profile = profile;
        this.random = new Random(seed);
        this.workers = new Worker[workerCount];
        this.detections = new long[kills];
        for (int i = 0; i < workerCount; i++) {
            workers[i] = new Worker("worker-" + i);
        }
        registry.subscribe(this::onEvent);
    }

    static Result run(Profile profile, int workerCount, int kills, long seed) {
        ClusterDetectionSim sim = new ClusterDetectionSim(profile, workerCount, kills, seed);
        return sim.run();
    }

    private Result run() {
        for (int i = 0; i < workers.length; i++) {
            start(i, 0, random.nextInt((int) HEARTBEAT_MS) * MS);
        }
        queue.add(new long[] {TICK_MS * MS, TICK, -1, 0, 0});
        scheduleKill(0);
        while (detected < detections.length && !queue.isEmpty()) {
            long[] e = queue.poll();
            now = e[0];
            int w = (int) e[2];
            switch ((int) e[1]) {
                case BEAT -> {
                    Worker worker = workers[w];
                    boolean sentBeforeKill = worker.killedAtNanos < 0 || e[3] < worker.killedAtNanos;
                    if (e[4] == worker.incarnation && sentBeforeKill) {
                        registry.heartbeat(worker.id, e[4], MemberLoad.ZERO, now);
                        beats++;
                        if (worker.running) {
                            scheduleBeat(w);
                        }
                    }
                }
                case TICK -> {
                    registry.evaluate(now);
                    queue.add(new long[] {now + TICK_MS * MS, TICK, -1, 0, 0});
                }
                case KILL -> {
                    workers[w].running = false;
                    workers[w].killedAtNanos = now;
                    workers[w].awaitingDetection = true;
                }
                case RESTART -> {
                    workers[w].incarnation++;
                    start(w, now, 0);
                    scheduleKill(now);
                }
                default -> throw new IllegalStateException();
            }
        }
        return new Result(Arrays.copyOf(detections, detected), falsePositives, falseSuspicions, beats, now / (1000 * MS));
    }

    private void onEvent(ClusterEvent event) {
        if (event.member() == null) {
            return;
        }
        int w = Integer.parseInt(event.member().id().value().substring("worker-".length()));
        Worker worker = workers[w];
        if (event.type() == ClusterEvent.Type.FAILED) {
            if (worker.running) {
                falsePositives++;
            } else if (worker.awaitingDetection) {
                detections[detected++] = (event.nanoTime() - worker.killedAtNanos) / MS;
                worker.awaitingDetection = false;
                queue.add(new long[] {event.nanoTime() + 2_000 * MS, RESTART, w, 0, 0});
            }
        } else if (event.type() == ClusterEvent.Type.SUSPECT && worker.running) {
            falseSuspicions++;
        }
    }

    /** (Re)starts worker {@code w}: it joins at {@code at} and beats every 500 ms from {@code at + phase} on. */
    private void start(int w, long at, long phaseNanos) {
        Worker worker = workers[w];
        worker.running = true;
        worker.killedAtNanos = -1;
        worker.lastSendNanos = at;
        worker.lastArrivalNanos = at;
        worker.nextScheduledNanos = at + phaseNanos + HEARTBEAT_MS * MS;
        registry.upsert(MemberUpdate.builder(worker.id, "10.0.0." + (w + 1) + ":7000").tags(Map.of("role", "worker"))
                .incarnation(worker.incarnation).build(), at);
        scheduleBeat(w);
    }

    /** Queues the worker's next heartbeat; dropped on arrival if the worker was killed before sending it. */
    private void scheduleBeat(int w) {
        Worker worker = workers[w];
        double jitter = Math.max(-3, Math.min(3, random.nextGaussian())) * profile.jitterSdMs();
        long send = Math.max(worker.lastSendNanos, worker.nextScheduledNanos + (long) (jitter * MS));
        worker.nextScheduledNanos += HEARTBEAT_MS * MS;

        double delayMs = 0.2 - 0.5 * Math.log(1 - random.nextDouble());
        if (random.nextDouble() < profile.stallProbability()) {
            delayMs += profile.stallMinMs() + random.nextInt(profile.stallMaxMs() - profile.stallMinMs() + 1);
        }
        long arrival = Math.max(worker.lastArrivalNanos, send + (long) (delayMs * MS));
        worker.lastSendNanos = send;
        worker.lastArrivalNanos = arrival;
        queue.add(new long[] {arrival, BEAT, w, send, worker.incarnation});
    }

    /** Kills a random running worker at a random instant 5..15 s after {@code from}. */
    private void scheduleKill(long from) {
        long at = from + (5_000 + random.nextInt(10_000)) * MS + random.nextInt(1_000_000);
        int w = random.nextInt(workers.length);
        queue.add(new long[] {at, KILL, w, 0, 0});
    }
}
