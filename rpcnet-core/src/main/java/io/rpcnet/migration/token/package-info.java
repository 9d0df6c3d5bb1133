/**
 * Migration tokens: HMAC-SHA256-signed, expiring, single-use credentials that bind a migration to its
 * session, source and target ({@link io.rpcnet.migration.token.MigrationTokenManager}), with the per-source
 * rate limiter ({@link io.rpcnet.migration.token.TokenBucketRateLimiter}) and replay guard
 * ({@link io.rpcnet.migration.token.ReplayGuard}) they rely on.
 */
package io.rpcnet.migration.token;
