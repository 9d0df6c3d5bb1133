/**
 * Keys and encryption of migrated state: {@link io.rpcnet.migration.crypto.MigrationKey} (32-byte keys from
 * configuration or generated), {@link io.rpcnet.migration.crypto.KeyRing} (one active key, previous keys
 * accepted during a grace period) and {@link io.rpcnet.migration.crypto.EncryptionService} (AES-256-GCM
 * bound to a migration and session). The token package uses the same keys and ring for its HMACs.
 */
package io.rpcnet.migration.crypto;
