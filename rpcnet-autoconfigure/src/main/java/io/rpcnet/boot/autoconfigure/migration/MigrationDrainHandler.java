package io.rpcnet.boot.autoconfigure.migration;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.membership.DrainHandler;
import io.rpcnet.cluster.membership.MembershipService.DrainResult;
import io.rpcnet.migration.coordinator.DrainReport;
import io.rpcnet.migration.coordinator.MigrationService;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Drains a worker that asks for it before it shuts down by moving its sessions with the director's
 * {@link MigrationService}, and answers with the {@link DrainReport}'s counts.
 */
public final class MigrationDrainHandler implements DrainHandler {

    private final MigrationService migrations;

    public MigrationDrainHandler(MigrationService migrations) {
        this.migrations = Objects.requireNonNull(migrations, "migrations");
    }

    @Override
    public CompletableFuture<DrainResult> drain(MemberId member) {
        return migrations.drain(member.value()).thenApply(MigrationDrainHandler::result);
    }

    static DrainResult result(DrainReport r) {
        String message = (r.drained() ? "drained" : "not drained") + " in " + r.elapsed().toMillis() + " ms"
                + (r.errors().isEmpty() ? "" : "; failures " + r.errors());
        return new DrainResult(r.drained(), r.migrated(), r.failed(), r.remaining(), message);
    }
}
