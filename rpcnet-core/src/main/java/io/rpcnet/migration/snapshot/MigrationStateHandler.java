package io.rpcnet.migration.snapshot;

/**
 * SPI for application state that lives outside session attributes (caches, in-memory aggregates, open
 * cursors) and must move with the session. The source calls {@link #capture}, the target
 * {@link #validate} then {@link #restore}; {@link #discard} undoes a restore when the migration rolls back
 * after it. In Spring, beans implementing this are picked up automatically.
 *
 * <p>Implementations must be thread-safe: different sessions migrate concurrently.
 */
public interface MigrationStateHandler {

    /**
     * A stable name, unique among handlers, identical on every worker (it keys the state in the
     * snapshot), e.g. {@code "cart"}. Same rules as ids: not blank, no control characters.
     */
    String name();

    /**
     * The state of {@code sessionId}, or null / empty when there is none. The snapshot takes ownership of
     * the returned array: return a fresh one and do not modify it afterwards.
     */
    byte[] capture(String sessionId);

    /**
     * Checks that {@code state} can be restored, without applying it. Throw to refuse the migration before
     * any handler has applied anything.
     */
    default void validate(String sessionId, Bytes state) {
    }

    /**
     * Applies {@code state} (from {@link #capture} on the source) to {@code sessionId}. {@code state} is
     * immutable and shared with the snapshot (no copy); use {@link Bytes#toByteArray()} to keep a copy.
     */
    void restore(String sessionId, Bytes state);

    /** Removes state restored for {@code sessionId} when the migration fails after {@link #restore}. */
    default void discard(String sessionId) {
    }
}
