package io.rpcnet.boot.autoconfigure.migration.actuate;

import io.rpcnet.migration.coordinator.DrainReport;

import java.time.Instant;
import java.util.Map;

/**
 * A drain started through {@code /actuator/migration/drain/{workerId}}.
 *
 * @param worker    the worker being drained
 * @param state     {@code DRAINING}, {@code DRAINED} (it holds no session any more), {@code INCOMPLETE} (sessions
 *                  remain after the drain's rounds or time limit) or {@code FAILED} (the drain itself failed)
 * @param startedAt when the drain started
 * @param elapsedMs how long it took, once finished
 * @param migrated  sessions moved, once finished
 * @param failed    migrations that failed, once finished
 * @param remaining sessions still on the worker, once finished
 * @param errors    failed migrations by error, once finished
 * @param message   why the drain itself failed, or null
 */
public record DrainDescriptor(String worker, String state, Instant startedAt, Long elapsedMs, Integer migrated,
                              Integer failed, Integer remaining, Map<String, Integer> errors, String message) {

    static DrainDescriptor draining(String worker, Instant startedAt) {
        return new DrainDescriptor(worker, "DRAINING", startedAt, null, null, null, null, null, null);
    }

    static DrainDescriptor finished(DrainReport r, Instant startedAt) {
        return new DrainDescriptor(r.worker(), r.drained() ? "DRAINED" : "INCOMPLETE", startedAt,
                r.elapsed().toMillis(), r.migrated(), r.failed(), r.remaining(), r.errors(), null);
    }

    static DrainDescriptor failed(String worker, Instant startedAt, Throwable cause) {
        return new DrainDescriptor(worker, "FAILED", startedAt, null, null, null, null, null, String.valueOf(
                cause.getMessage()));
    }

    /** Whether the drain has finished, one way or another. */
    public boolean finished() {
        return !"DRAINING".equals(state);
    }
}
