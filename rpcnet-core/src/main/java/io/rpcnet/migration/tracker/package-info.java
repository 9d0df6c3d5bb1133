/**
 * Observability of migrations: {@link io.rpcnet.migration.tracker.MigrationTracker} keeps the active ones
 * and a bounded list of recent ones, gives {@link io.rpcnet.migration.tracker.MigrationView} snapshots for
 * Actuator and metrics, and forgets finished records after a retention period.
 */
package io.rpcnet.migration.tracker;
