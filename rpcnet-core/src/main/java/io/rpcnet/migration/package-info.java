/**
 * Live session migration: the building blocks that move a session's state from one worker to another.
 *
 * <p>This package holds the vocabulary shared by every part: {@link io.rpcnet.migration.MigrationError},
 * {@link io.rpcnet.migration.MigrationException}, {@link io.rpcnet.migration.MigrationParty},
 * {@link io.rpcnet.migration.MigrationRequest} and {@link io.rpcnet.migration.MigrationConfirmation}.
 * The parts live in sub-packages, one concept each:
 * <ul>
 *   <li>{@code snapshot} – what a session looks like when it moves, its canonical binary form, and how
 *       application state is captured and restored;</li>
 *   <li>{@code serialization} – compression, chunking, checksums and the size cap;</li>
 *   <li>{@code crypto} – AES-256-GCM and the key ring;</li>
 *   <li>{@code transfer} – serialization and encryption put together for one migration;</li>
 *   <li>{@code token} – signed, expiring, rate-limited, single-use migration tokens;</li>
 *   <li>{@code state} – the migration state machine;</li>
 *   <li>{@code tracker} – active and recent migrations for observability.</li>
 * </ul>
 * No Spring here; everything takes its collaborators (a {@link java.time.Clock}, keys, limits) through
 * constructors or builders.
 */
package io.rpcnet.migration;
