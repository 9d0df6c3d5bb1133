package io.rpcnet.migration.coordinator;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.director.CallHold;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.director.RoutingTable;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.MigrationRequest;
import io.rpcnet.migration.state.MigrationPhase;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.migration.tracker.TrackedMigration;
import io.rpcnet.migration.wire.MigrationFailures;
import io.rpcnet.migration.wire.MigrationProtocol;
import io.rpcnet.migration.wire.MigrationProtocol.Ack;
import io.rpcnet.migration.wire.MigrationProtocol.BaseExport;
import io.rpcnet.migration.wire.MigrationProtocol.Delta;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One migration, start to finish, on a coordinator thread: PREPARING (target reserved with a token) →
 * BASE_COPY (sealed snapshot relayed from source to target while calls continue) → CATCH_UP (sealed deltas
 * until the lag is small) → CUT_OVER (calls held at the director, in-flight ones finished, source frozen,
 * final delta committed on the target, route switched, held calls released) → COMPLETED; any failure rolls
 * back (target discards, source unfrozen, held calls released to the source) → FAILED. How the cut-over treats
 * streaming calls in flight is its {@link StreamPolicy} (see {@link CutOverCalls}).
 */
final class MigrationRun {

    private static final Logger log = LoggerFactory.getLogger(MigrationRun.class);

    private final TrackedMigration tracked;
    private final MigrationRequest request;
    private final DirectorGateway gateway;
    private final WorkerChannels channels;
    private final MigrationTokenManager tokens;
    private final MigrationSettings settings;
    private final CutOverCalls inFlight;
    private final long startNanos = System.nanoTime();
    private final MemberId sourceId;
    private final MemberId targetId;
    private Member source;
    private Member target;
    private long targetIncarnation;
    private String exportToken;
    private long stateBytes;
    private long stagedVersion;
    private long pauseNanos;
    private boolean touchedTarget;
    private boolean touchedSource;

    MigrationRun(TrackedMigration tracked, DirectorGateway gateway, WorkerChannels channels,
                 MigrationTokenManager tokens, MigrationSettings settings, StreamPolicy streams) {
        this.tracked = tracked;
        this.request = tracked.request();
        this.inFlight = new CutOverCalls(gateway, request, settings, streams);
        this.gateway = gateway;
        this.channels = channels;
        this.tokens = tokens;
        this.settings = settings;
        this.sourceId = MemberId.of(request.sourceWorker());
        this.targetId = MemberId.of(request.targetWorker());
    }

    /** Runs the migration; never throws. Returns the outcome (the machine is COMPLETED or FAILED). */
    MigrationOutcome run() {
        String mid = request.migrationId();
        try {
            tracked.machine().prepare();
            prepare();
            tracked.machine().startTransfer();
            baseCopy();
            tracked.machine().enterPhase(MigrationPhase.CATCH_UP);
            catchUp();
            tracked.machine().enterPhase(MigrationPhase.CUT_OVER);
            long newEpoch = cutOver();
            tracked.machine().complete();
            handOver(newEpoch);
            log.info("migration {}: session {} moved {} -> {} in {} ms (pause {} ms, {} bytes, epoch {})", mid,
                    request.sessionId(), sourceId, targetId, elapsed().toMillis(), pause().toMillis(), stateBytes,
                    newEpoch);
            return outcome(true, null, "", newEpoch);
        } catch (MigrationException e) {
            return failed(e.error(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("migration {}: unexpected failure", mid, e);
            return failed(MigrationError.ABORTED, "unexpected failure: " + e);
        }
    }

    /** After {@link #run()}: whether the cut-over ran out of pause budget with streaming calls still running. */
    boolean blockedByStreams() {
        return inFlight.blockedByStreams();
    }

    private void prepare() {
        RoutingTable.Route route = gateway.routingTable().route(request.sessionId()).orElseThrow(() ->
                new MigrationException(MigrationError.SOURCE_UNAVAILABLE, "session '" + request.sessionId()
                        + "' is not routed by the director any more"));
        if (!route.owner().equals(sourceId) || route.epoch() != request.expectedEpoch()) {
            throw new MigrationException(MigrationError.SOURCE_UNAVAILABLE, "session '" + request.sessionId()
                    + "' is now at " + route.owner() + " epoch " + route.epoch() + ", not " + sourceId + " epoch "
                    + request.expectedEpoch());
        }
        source = alive(sourceId, MigrationError.SOURCE_UNAVAILABLE);
        target = alive(targetId, MigrationError.TARGET_UNAVAILABLE);
        targetIncarnation = target.incarnation();
        String token = tokens.issue(request).value();
        touchedTarget = true;
        onTarget("prepare", t -> t.prepare(new MigrationProtocol.Prepare(request.migrationId(),
                request.sessionId(), request.sourceWorker(), request.targetWorker(), request.expectedEpoch(), token)));
        touchedSource = true;
        this.exportToken = token;
    }

    private void baseCopy() {
        String mid = request.migrationId();
        BaseExport base = onSource("export the base copy", s -> s.exportBase(new MigrationProtocol.ExportBase(mid,
                request.sessionId(), request.sourceWorker(), request.targetWorker(), request.expectedEpoch(),
                exportToken, settings.inlineBytes())));
        relay(base);
    }

    /** Relays a sealed snapshot from the source to the target, batch by batch. */
    private void relay(BaseExport base) {
        String mid = request.migrationId();
        stateBytes = base.stateBytes();
        tracked.bytesTotal(base.stateBytes());
        int count = base.chunkCount();
        int next = 0;
        List<byte[]> batch = base.chunks();
        byte[] manifest = base.manifest();
        while (true) {
            boolean last = next + batch.size() >= count;
            int from = next;
            List<byte[]> chunks = batch;
            byte[] m = manifest;
            onTarget("import the base copy", t -> t.importBase(new MigrationProtocol.BaseImport(mid, m, from, chunks,
                    last ? base.digest() : null, base.version())));
            long sent = 0;
            for (byte[] c : chunks) {
                sent += c.length;
            }
            tracked.addBytesTransferred(sent);
            next += chunks.size();
            manifest = null;
            if (last) {
                break;
            }
            int at = next;
            batch = onSource("export snapshot chunks", s -> s.exportChunks(
                    new MigrationProtocol.ChunkRange(mid, at, settings.chunkBatchBytes()))).chunks();
            if (batch.isEmpty()) {
                throw new MigrationException(MigrationError.STATE_CORRUPTION, "source returned no chunk at " + at);
            }
        }
        stagedVersion = base.version();
    }

    private void catchUp() {
        String mid = request.migrationId();
        int baseCopies = 1;
        for (int round = 0; round < settings.catchUpMaxRounds(); round++) {
            long from = stagedVersion;
            Delta d = onSource("export a catch-up delta", s -> s.exportDelta(
                    new MigrationProtocol.DeltaRequest(mid, from)));
            if (d.truncated()) {
                if (++baseCopies > settings.maxBaseCopies()) {
                    throw new MigrationException(MigrationError.ABORTED, "session '" + request.sessionId()
                            + "' changes faster than its change log can be shipped (" + settings.maxBaseCopies()
                            + " base copies)");
                }
                baseCopy();
                continue;
            }
            if (d.toVersion() == d.fromVersion()) {
                return;
            }
            Ack ack = onTarget("apply a catch-up delta", t -> t.applyDelta(new MigrationProtocol.DeltaApply(mid,
                    d.fromVersion(), d.toVersion(), d.sealed())));
            stagedVersion = ack.version();
            if (d.toVersion() - d.fromVersion() <= settings.catchUpLag()) {
                return;
            }
        }
    }

    /** Holds, freezes, commits, switches; returns the new epoch. Rolls back (and rethrows) on any failure. */
    private long cutOver() {
        String mid = request.migrationId();
        long budgetNanos = settings.pauseBudget().toNanos();
        CallHold hold = gateway.hold(request.sessionId());
        long holdStart = System.nanoTime();
        try {
            inFlight.awaitEnd(hold, holdStart);
            long from = stagedVersion;
            Delta fin = inBudget(holdStart, "freeze the session on the source", true,
                    s -> s.freeze(new MigrationProtocol.DeltaRequest(mid, from)));
            if (fin.truncated()) {
                throw new MigrationException(MigrationError.ABORTED, "the source's change log no longer reaches"
                        + " version " + from + " at the cut-over");
            }
            long newEpoch = request.expectedEpoch() + 1;
            inBudget(holdStart, "commit on the target", false, t -> t.commit(new MigrationProtocol.Commit(mid,
                    fin.fromVersion(), fin.toVersion(), fin.sealed(), newEpoch)));
            requireSameTarget();
            long used = System.nanoTime() - holdStart;
            if (used > budgetNanos) {
                throw new MigrationException(MigrationError.PAUSE_BUDGET_EXCEEDED, "cut-over took "
                        + TimeUnit.NANOSECONDS.toMillis(used) + " ms, over the budget of "
                        + settings.pauseBudget().toMillis() + " ms");
            }
            if (gateway.routingTable().switchOwner(request.sessionId(), sourceId, request.expectedEpoch(), targetId)
                    .isEmpty()) {
                throw new MigrationException(MigrationError.ABORTED, "the route of session '" + request.sessionId()
                        + "' changed during the cut-over");
            }
            return newEpoch;
        } catch (RuntimeException e) {
            rollBack(e.getMessage()); // before the release: held calls must find the source serving again
            throw e;
        } finally {
            pauseNanos = System.nanoTime() - holdStart;
            hold.release();
        }
    }

    private void handOver(long newEpoch) {
        try {
            channels.protocol(source, settings.stepTimeout()).handOver(new MigrationProtocol.HandOver(
                    request.migrationId(), request.targetWorker(), newEpoch));
        } catch (RuntimeException e) {
            // the route already points at the target; the source unfreezes its copy only after its frozen
            // timeout, and no call is routed to it meanwhile
            log.warn("migration {}: completed, but the source {} did not confirm the hand-over: {}",
                    request.migrationId(), sourceId, e.toString());
        }
    }

    private MigrationOutcome failed(MigrationError error, String detail) {
        rollBack(detail);
        try {
            tracked.machine().fail(error, detail);
        } catch (RuntimeException alreadyTerminal) {
            log.debug("migration {}: already terminal: {}", request.migrationId(), alreadyTerminal.toString());
        }
        log.warn("migration {}: session {} stays on {}: {} {}", request.migrationId(), request.sessionId(), sourceId,
                error, detail);
        return outcome(false, error, detail, request.expectedEpoch());
    }

    /** Best effort: the target discards, the source unfreezes. */
    private void rollBack(String reason) {
        MigrationProtocol.Abort abort = new MigrationProtocol.Abort(request.migrationId(), reason);
        if (touchedTarget && target != null) {
            touchedTarget = false;
            try {
                channels.protocol(target, settings.stepTimeout()).abort(abort);
            } catch (RuntimeException e) {
                log.warn("migration {}: target {} did not confirm the abort ({}); it discards the import after its"
                        + " stale timeout", request.migrationId(), targetId, e.toString());
            }
        }
        if (touchedSource && source != null) {
            touchedSource = false;
            try {
                channels.protocol(source, settings.stepTimeout()).abort(abort);
            } catch (RuntimeException e) {
                log.warn("migration {}: source {} did not confirm the abort: {}", request.migrationId(), sourceId,
                        e.toString());
            }
        }
    }

    private <T> T inBudget(long holdStart, String step, boolean onSource,
                           Function<MigrationProtocol, CompletableFuture<T>> call) {
        long left = settings.pauseBudget().toNanos() - (System.nanoTime() - holdStart);
        if (left <= 0) {
            throw new MigrationException(MigrationError.PAUSE_BUDGET_EXCEEDED, "pause budget of "
                    + settings.pauseBudget().toMillis() + " ms ran out before: " + step);
        }
        Duration timeout = Duration.ofNanos(left);
        try {
            return call.apply(channels.protocol(onSource ? source : target, timeout)).join();
        } catch (RuntimeException failure) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (!(cause instanceof RpcException e)) {
                throw failure;
            }
            if (e.code() == StatusCode.DEADLINE_EXCEEDED) {
                throw new MigrationException(MigrationError.PAUSE_BUDGET_EXCEEDED, step + " did not finish within the"
                        + " pause budget of " + settings.pauseBudget().toMillis() + " ms");
            }
            throw MigrationFailures.fromRpc(e, onSource ? MigrationError.SOURCE_UNAVAILABLE
                    : MigrationError.TARGET_UNAVAILABLE, step);
        }
    }

    private <T> T onSource(String step, Function<MigrationProtocol, T> call) {
        return step(step, source, MigrationError.SOURCE_UNAVAILABLE, call);
    }

    private <T> T onTarget(String step, Function<MigrationProtocol, T> call) {
        requireSameTarget();
        return step(step, target, MigrationError.TARGET_UNAVAILABLE, call);
    }

    private <T> T step(String step, Member worker, MigrationError unavailable, Function<MigrationProtocol, T> call) {
        if (System.nanoTime() - startNanos > settings.timeout().toNanos()) {
            throw new MigrationException(MigrationError.TIMEOUT, "migration took longer than "
                    + settings.timeout().toSeconds() + " s (at: " + step + ")");
        }
        try {
            return call.apply(channels.protocol(worker, settings.stepTimeout()));
        } catch (RpcException e) {
            throw MigrationFailures.fromRpc(e, unavailable, step);
        }
    }

    /** The target must still be the same process (incarnation) that reserved the session. */
    private void requireSameTarget() {
        Member now = gateway.registry().member(targetId).orElse(null);
        if (now == null || !now.status().isMonitored() || now.incarnation() != targetIncarnation) {
            throw new MigrationException(MigrationError.TARGET_UNAVAILABLE, "target " + targetId + " changed during"
                    + " the migration: " + (now == null ? "gone" : now.status() + " incarnation " + now.incarnation()));
        }
    }

    private Member alive(MemberId id, MigrationError error) {
        Member m = gateway.registry().member(id).orElseThrow(() -> new MigrationException(error, "worker " + id
                + " is not known to the director"));
        if (!m.status().isMonitored()) {
            throw new MigrationException(error, "worker " + id + " is " + m.status());
        }
        return m;
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private Duration pause() {
        return Duration.ofNanos(pauseNanos);
    }

    private MigrationOutcome outcome(boolean completed, MigrationError error, String detail, long epoch) {
        return new MigrationOutcome(request.migrationId(), request.sessionId(), request.sourceWorker(),
                request.targetWorker(), request.requestedBy(), request.reason(), completed,
                Optional.ofNullable(error), detail == null ? "" : detail, elapsed(), pause(), stateBytes,
                epoch, Instant.now());
    }
}
