package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.Tags;
import io.rpcnet.cluster.membership.MembershipService.DrainRequest;
import io.rpcnet.cluster.membership.MembershipService.DrainResult;
import io.rpcnet.protocol.RpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The lifecycle of a {@link WorkerMembershipAgent} (NEW, ACTIVE, LEAVING, LEFT; CLOSED from any of them) and the
 * outcomes callers wait for: the stage of {@code join()} and those of pending tag updates, completed as the
 * {@link DirectorLink}s report acceptances and refusals. Its own class so the public agent stays its API and
 * Builder; the semantics of each operation are documented on the agent's methods.
 */
final class AgentLifecycle {

    /** Same logger as the agent, so one category covers the whole worker side of the membership. */
    private static final Logger log = LoggerFactory.getLogger(WorkerMembershipAgent.class);

    enum State { NEW, ACTIVE, LEAVING, LEFT, CLOSED }

    private final LocalWorker worker;
    private final DirectorLinks links;
    private final Duration heartbeatInterval;
    private final Duration joinTimeout;
    private final Object lock = new Object();
    private final List<PendingTags> pendingTags = new ArrayList<>();
    private volatile State state = State.NEW;
    private CompletableFuture<Void> joined = new CompletableFuture<>();

    private record PendingTags(int version, CompletableFuture<Void> future) {
    }

    AgentLifecycle(WorkerAgentConfig config, LocalWorker worker) {
        this.worker = worker;
        this.heartbeatInterval = config.heartbeatInterval();
        this.joinTimeout = config.joinTimeout();
        this.links = new DirectorLinks(config, worker, this);
    }

    DirectorLinks links() {
        return links;
    }

    State state() {
        return state;
    }

    boolean isActive() {
        return state == State.ACTIVE;
    }

    CompletionStage<Void> join() {
        synchronized (lock) {
            switch (state) {
                case CLOSED -> throw new IllegalStateException("membership agent of '" + worker.id() + "' is closed");
                case ACTIVE -> {
                    return joined.copy();
                }
                case LEAVING -> throw new IllegalStateException("membership agent of '" + worker.id()
                        + "' is leaving");
                case LEFT -> worker.raiseIncarnation(worker.incarnation());
                case NEW -> links.startTicking(heartbeatInterval);
                default -> {
                }
            }
            joined = new CompletableFuture<>();
            links.resetAll();
            state = State.ACTIVE;
            log.info("member '{}' ({}, incarnation {}) joining {}", worker.id(), worker.address(),
                    worker.incarnation(), links.seeds());
            links.tickNow(); // at once, not at the next period
            return joined.copy();
        }
    }

    CompletionStage<Void> updateTags(Map<String, String> newTags) {
        Map<String, String> checked = Tags.copyOf(newTags);
        synchronized (lock) {
            int version = worker.replaceTags(checked);
            if (state != State.ACTIVE) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> future = new CompletableFuture<>();
            pendingTags.add(new PendingTags(version, future));
            links.tickNow();
            return future.copy();
        }
    }

    CompletionStage<Void> leave() {
        synchronized (lock) {
            if (state != State.ACTIVE) {
                return CompletableFuture.completedFuture(null);
            }
            state = State.LEAVING;
            if (!joined.isDone()) {
                joined.completeExceptionally(new IllegalStateException("member '" + worker.id()
                        + "' left before joining"));
            }
            failPendingTags(new IllegalStateException("member '" + worker.id() + "' left"));
        }
        boolean wasJoined = links.isJoined();
        return links.leaveAll().handle((v, e) -> {
            synchronized (lock) {
                if (state == State.LEAVING) {
                    state = State.LEFT;
                }
            }
            if (wasJoined) {
                log.info("member '{}' (incarnation {}) left the cluster", worker.id(), worker.incarnation());
            }
            return null;
        });
    }

    CompletionStage<DrainResult> requestDrain(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("drain timeout must be > 0: " + timeout);
        }
        long millis = timeout.compareTo(Duration.ofMillis(DrainRequest.MAX_TIMEOUT_MILLIS)) >= 0
                ? DrainRequest.MAX_TIMEOUT_MILLIS : Math.max(1, timeout.toMillis());
        State s = state;
        if (s != State.ACTIVE || !links.isJoined()) {
            DrainResult none = DrainAnswers.notJoined(worker.id(), switch (s) {
                case NEW -> "it has not joined yet";
                case ACTIVE -> "no director has accepted it";
                case LEAVING, LEFT -> "it left";
                case CLOSED -> "the agent is closed";
            });
            log.info("{}", none.message());
            return CompletableFuture.completedFuture(none);
        }
        log.info("member '{}' (incarnation {}) asks to be drained (timeout {} ms)", worker.id(), worker.incarnation(),
                millis);
        return links.drainAll(worker.id(), millis).thenApply(result -> {
            log.info("drain of member '{}': drained={}, {} sessions migrated, {} failed, {} remaining ({})",
                    worker.id(), result.drained(), result.migrated(), result.failed(), result.remaining(),
                    result.message());
            return result;
        });
    }

    void close() {
        CompletionStage<Void> leaving;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            leaving = state == State.ACTIVE ? leave() : CompletableFuture.completedFuture(null);
        }
        try {
            leaving.toCompletableFuture().get(joinTimeout.toMillis() * 2 + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("leave of '{}' did not finish: {}", worker.id(), e.toString());
        }
        shutdown();
    }

    /** Closes without LEAVE: fails what is pending, stops the threads, closes the connections. */
    void shutdown() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            if (!joined.isDone()) {
                joined.completeExceptionally(new IllegalStateException("membership agent of '" + worker.id()
                        + "' closed"));
            }
            failPendingTags(new IllegalStateException("membership agent of '" + worker.id() + "' closed"));
        }
        links.shutdown();
    }

    // ---- reports of the director links --------------------------------------------------------------

    /** A director accepted this worker with tags of {@code acceptedTagsVersion} (or newer). */
    void onAccepted(int acceptedTagsVersion) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        CompletableFuture<Void> join;
        synchronized (lock) {
            join = state == State.ACTIVE ? joined : null;
            pendingTags.removeIf(p -> {
                if (p.version() <= acceptedTagsVersion) {
                    done.add(p.future());
                    return true;
                }
                return false;
            });
        }
        if (join != null && join.complete(null)) {
            log.info("member '{}' (incarnation {}) joined the cluster", worker.id(), worker.incarnation());
        }
        done.forEach(f -> f.complete(null));
    }

    /** A director refused this worker; the join fails once every director has. */
    void onRefused(RpcException refusal) {
        CompletableFuture<Void> join;
        synchronized (lock) {
            join = joined;
            if (!links.allRefused()) {
                return; // someone may still accept
            }
        }
        join.completeExceptionally(refusal);
    }

    private void failPendingTags(Exception e) {
        pendingTags.forEach(p -> p.future().completeExceptionally(e));
        pendingTags.clear();
    }
}
