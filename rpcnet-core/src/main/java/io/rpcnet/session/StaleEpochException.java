package io.rpcnet.session;

/**
 * Refusal to import session state whose epoch is lower than the epoch this worker already holds the
 * session at: the state comes from a stale owner and must not overwrite newer state.
 */
public final class StaleEpochException extends IllegalStateException {

    private final String sessionId;
    private final long offeredEpoch;
    private final long currentEpoch;

    public StaleEpochException(String sessionId, long offeredEpoch, long currentEpoch) {
        super("session " + sessionId + ": state of epoch " + offeredEpoch + " is older than the held epoch "
                + currentEpoch);
        this.sessionId = sessionId;
        this.offeredEpoch = offeredEpoch;
        this.currentEpoch = currentEpoch;
    }

    public String sessionId() {
        return sessionId;
    }

    public long offeredEpoch() {
        return offeredEpoch;
    }

    public long currentEpoch() {
        return currentEpoch;
    }
}
