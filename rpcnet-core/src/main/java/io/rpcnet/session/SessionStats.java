package io.rpcnet.session;

/**
 * Counters of a {@link SessionManager} (totals since it was built).
 *
 * @param active   sessions held now
 * @param created  sessions created here
 * @param imported sessions imported from another worker
 * @param expired  sessions closed by idle expiry
 * @param removed  sessions closed or removed explicitly (includes replaced ones)
 */
public record SessionStats(int active, long created, long imported, long expired, long removed) {
}
