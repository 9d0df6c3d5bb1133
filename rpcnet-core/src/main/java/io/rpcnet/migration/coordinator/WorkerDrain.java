package io.rpcnet.migration.coordinator;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.director.RoutingTable;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.MigrationParty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Drains a (cordoned) worker: moves every session the routing table gives it to the least loaded other
 * workers, in passes (sessions opened during a pass are picked up by the next), with the coordinator's
 * concurrency limit, and reports whether the worker ended up holding nothing. A session whose migration
 * ran out of pause budget because its streaming calls were still running is retried in the next pass with
 * {@link StreamPolicy#INTERRUPT} (unless {@link MigrationSettings#interruptStreamsOnDrain()} is off): its
 * streams are ended at the cut-over and re-opened by their clients on the new worker. Also picks targets for
 * single migrations.
 */
final class WorkerDrain {

    private static final Logger log = LoggerFactory.getLogger(WorkerDrain.class);

    private final MigrationCoordinator coordinator;
    private final DirectorGateway gateway;
    private final MigrationSettings settings;

    WorkerDrain(MigrationCoordinator coordinator, DirectorGateway gateway, MigrationSettings settings) {
        this.coordinator = coordinator;
        this.gateway = gateway;
        this.settings = settings;
    }

    DrainReport drain(MemberId worker) {
        long start = System.nanoTime();
        long deadline = start + settings.drainTimeout().toNanos();
        int migrated = 0;
        int failed = 0;
        Map<String, Integer> errors = new TreeMap<>();
        Set<String> interruptStreams = new HashSet<>(); // sessions whose streams kept them from moving last round
        log.info("draining worker {}: {} sessions", worker, owned(worker).size());
        for (int round = 0; round < settings.drainRounds() && System.nanoTime() < deadline; round++) {
            List<Map.Entry<String, RoutingTable.Route>> sessions = owned(worker);
            if (sessions.isEmpty()) {
                break;
            }
            Map<MemberId, Integer> planned = new HashMap<>(gateway.routingTable().sessionsPerOwner());
            Map<String, CompletableFuture<MigrationCoordinator.RunResult>> running = new LinkedHashMap<>();
            for (Map.Entry<String, RoutingTable.Route> s : sessions) {
                String session = s.getKey();
                StreamPolicy streams = settings.interruptStreamsOnDrain() && interruptStreams.remove(session)
                        ? StreamPolicy.INTERRUPT : StreamPolicy.WAIT;
                try {
                    MemberId target = chooseTarget(worker, planned);
                    planned.merge(target, 1, Integer::sum);
                    running.put(session, coordinator.start(session, target.value(), MigrationParty.SYSTEM,
                            "drain of " + worker, streams).result());
                } catch (MigrationException e) {
                    if (e.error() != MigrationError.ALREADY_MIGRATING) {
                        failed++;
                        errors.merge(e.error().name(), 1, Integer::sum);
                    }
                }
            }
            for (Map.Entry<String, CompletableFuture<MigrationCoordinator.RunResult>> r : running.entrySet()) {
                MigrationCoordinator.RunResult result = await(r.getValue(), deadline);
                MigrationOutcome o = result == null ? null : result.outcome();
                if (o == null) {
                    failed++;
                    errors.merge(MigrationError.TIMEOUT.name(), 1, Integer::sum);
                } else if (o.completed()) {
                    migrated++;
                } else {
                    failed++;
                    errors.merge(o.error().map(Enum::name).orElse("UNKNOWN"), 1, Integer::sum);
                    if (result.blockedByStreams() && o.error().orElse(null) == MigrationError.PAUSE_BUDGET_EXCEEDED) {
                        interruptStreams.add(r.getKey());
                        log.info("drain of worker {}: session {} (migration {}) is kept by streaming calls that"
                                        + " outlast the pause budget; {}", worker, r.getKey(), o.migrationId(),
                                settings.interruptStreamsOnDrain() ? "the next round interrupts them"
                                        : "it stays (rpcnet.migration.drain-interrupts-streams=false)");
                    }
                }
            }
        }
        int remaining = owned(worker).size();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        DrainReport report = new DrainReport(worker.value(), remaining == 0, migrated, failed, remaining, elapsed,
                errors);
        if (report.drained()) {
            log.info("worker {} DRAINED: {} sessions moved in {} ms ({} failed attempts)", worker, migrated,
                    elapsed.toMillis(), failed);
        } else {
            log.warn("drain of worker {} incomplete: {} sessions remain after {} ms; errors {}", worker, remaining,
                    elapsed.toMillis(), errors);
        }
        return report;
    }

    /**
     * The least loaded worker other than {@code source} that may take new sessions (alive, matching the
     * gateway's worker filter, not cordoned), counting {@code planned} sessions when given.
     */
    MemberId chooseTarget(MemberId source, Map<MemberId, Integer> planned) {
        Map<MemberId, Integer> load = planned != null ? planned : gateway.routingTable().sessionsPerOwner();
        return gateway.registry().alive(gateway.workerFilter()).stream()
                .map(Member::id)
                .filter(id -> !id.equals(source) && !gateway.registry().isCordoned(id))
                .min(Comparator.<MemberId>comparingInt(id -> load.getOrDefault(id, 0)).thenComparing(id -> id))
                .orElseThrow(() -> new MigrationException(MigrationError.TARGET_UNAVAILABLE,
                        "no other worker can take sessions from " + source));
    }

    private List<Map.Entry<String, RoutingTable.Route>> owned(MemberId worker) {
        List<Map.Entry<String, RoutingTable.Route>> out = new ArrayList<>();
        gateway.routingTable().snapshot().entrySet().stream().filter(e -> e.getValue().owner().equals(worker))
                .forEach(out::add);
        return out;
    }

    private static <T> T await(CompletableFuture<T> f, long deadlineNanos) {
        try {
            return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }
}
