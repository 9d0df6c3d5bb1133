package io.rpcnet.migration.coordinator;

import java.time.Duration;
import java.util.Map;

/**
 * The result of draining a worker.
 *
 * @param worker    the drained worker
 * @param drained   whether it holds no sessions any more (it is then DRAINED and may stop)
 * @param migrated  sessions moved to other workers
 * @param failed    migrations that failed (their sessions stayed on the worker, or were lost with it)
 * @param remaining sessions still routed to the worker at the end
 * @param elapsed   how long the drain took
 * @param errors    failed migrations by error name
 */
public record DrainReport(String worker, boolean drained, int migrated, int failed, int remaining, Duration elapsed,
                          Map<String, Integer> errors) {

    public DrainReport {
        errors = Map.copyOf(errors);
    }
}
