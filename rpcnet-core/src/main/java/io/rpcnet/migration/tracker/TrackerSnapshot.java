package io.rpcnet.migration.tracker;

import java.time.Instant;
import java.util.List;

/**
 * Everything the tracker knows at one instant: what Actuator serves and health checks read.
 *
 * @param takenAt when
 * @param active  migrations not finished, oldest first
 * @param recent  finished migrations still retained, most recent first
 */
public record TrackerSnapshot(Instant takenAt, List<MigrationView> active, List<MigrationView> recent) {

    public TrackerSnapshot {
        active = List.copyOf(active);
        recent = List.copyOf(recent);
    }
}
