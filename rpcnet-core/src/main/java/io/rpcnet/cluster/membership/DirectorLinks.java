package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.ClusterEventListener;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.Subscription;
import io.rpcnet.cluster.membership.MembershipService.DrainResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WorkerMembershipAgent}'s links to all its seed directors and the threads that drive them: a timer that
 * ticks every heartbeat interval (each tick starts one exchange per director, or skips a director whose previous
 * exchange is still running) and an I/O pool running those blocking exchanges. Also the worker's view of the
 * directors: their snapshots and the listeners of their events. Kept apart from the agent's lifecycle
 * ({@link AgentLifecycle}), which decides <em>whether</em> the loop runs.
 */
final class DirectorLinks {

    private final AgentLifecycle lifecycle;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService io;
    private final ListenerList listeners = new ListenerList();
    private final List<DirectorLink> links;

    DirectorLinks(WorkerAgentConfig config, LocalWorker worker, AgentLifecycle lifecycle) {
        this.lifecycle = lifecycle;
        String name = "rpcnet-membership-" + config.memberId().value();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon(name + "-timer"));
        this.io = Executors.newCachedThreadPool(daemon(name + "-io"));
        List<DirectorLink> list = new ArrayList<>();
        try {
            for (String seed : config.seeds()) {
                list.add(new DirectorLink(seed, config, worker, lifecycle, io, listeners));
            }
        } catch (RuntimeException e) {
            list.forEach(DirectorLink::closeClient);
            scheduler.shutdownNow();
            io.shutdownNow();
            throw e;
        }
        this.links = List.copyOf(list);
    }

    // ---- the loop -----------------------------------------------------------------------------------

    /** Ticks every {@code interval} from now on (called once, on the first join). */
    void startTicking(Duration interval) {
        scheduler.scheduleAtFixedRate(this::tick, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** One tick at once, not at the next period. */
    void tickNow() {
        scheduler.execute(this::tick);
    }

    private void tick() {
        if (!lifecycle.isActive()) {
            return;
        }
        for (DirectorLink link : links) {
            link.trigger();
        }
    }

    /** Forgets tokens, failures and backoff of every link, before a (re-)join. */
    void resetAll() {
        for (DirectorLink link : links) {
            link.reset();
        }
    }

    /** Sends LEAVE to every director on the I/O pool; completes when every one answered or failed. */
    CompletableFuture<Void> leaveAll() {
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (DirectorLink link : links) {
            try {
                sends.add(CompletableFuture.runAsync(link::leave, io));
            } catch (RejectedExecutionException closed) {
                // closed concurrently
            }
        }
        return CompletableFuture.allOf(sends.toArray(new CompletableFuture[0]));
    }

    /**
     * Asks every director that has this worker to drain it (on the I/O pool, like LEAVE); completes, never
     * exceptionally, when every one answered or failed (see {@link DrainAnswers}). Completes on the I/O pool, not
     * on a connection's event loop, so a caller may block in its callbacks (e.g. {@code close()} the agent).
     */
    CompletableFuture<DrainResult> drainAll(MemberId id, long timeoutMillis) {
        List<CompletableFuture<DrainAnswers.Answer>> answers = new ArrayList<>();
        for (DirectorLink link : links) {
            if (!link.isJoined()) {
                continue;
            }
            try {
                answers.add(CompletableFuture.supplyAsync(() -> link.drain(timeoutMillis), io)
                        .thenCompose(call -> call != null ? call : CompletableFuture.<DrainResult>completedFuture(null))
                        .handle((result, error) -> new DrainAnswers.Answer(link.seed(), result, error)));
            } catch (RejectedExecutionException closed) {
                // closed concurrently
            }
        }
        return DrainAnswers.whenAllAnswered(id, answers).thenApplyAsync(result -> result, task -> {
            try {
                io.execute(task);
            } catch (RejectedExecutionException closed) {
                task.run();
            }
        });
    }

    /** Stops the threads and closes every director connection. */
    void shutdown() {
        scheduler.shutdownNow();
        io.shutdownNow();
        links.forEach(DirectorLink::closeClient);
    }

    // ---- state of all links -------------------------------------------------------------------------

    List<String> seeds() {
        return links.stream().map(DirectorLink::seed).toList();
    }

    /** Whether at least one director has this worker (ALIVE or SUSPECT in the view). */
    boolean isJoined() {
        for (DirectorLink link : links) {
            if (link.isJoined()) {
                return true;
            }
        }
        return false;
    }

    /** Whether every director refused this worker. */
    boolean allRefused() {
        for (DirectorLink link : links) {
            if (!link.isRefused()) {
                return false;
            }
        }
        return true;
    }

    long skippedHeartbeats() {
        return links.stream().mapToLong(DirectorLink::skippedHeartbeats).sum();
    }

    // ---- the worker's view of the directors ---------------------------------------------------------

    List<Member> members() {
        List<Member> list = new ArrayList<>();
        for (DirectorLink link : links) {
            Member m = link.snapshot();
            if (m != null) {
                list.add(m);
            }
        }
        list.sort((a, b) -> a.id().compareTo(b.id()));
        return list;
    }

    Optional<Member> member(MemberId memberId) {
        for (DirectorLink link : links) {
            Member m = link.snapshot();
            if (m != null && m.id().equals(memberId)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    Subscription subscribe(ClusterEventListener listener) {
        return listeners.subscribe(listener);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
