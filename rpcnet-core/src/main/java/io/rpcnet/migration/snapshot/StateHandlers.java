package io.rpcnet.migration.snapshot;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set of {@link MigrationStateHandler}s of one worker, and the all-or-nothing rules for using them:
 * capture asks every handler; restore first checks that every piece of state has a handler and that every
 * handler {@linkplain MigrationStateHandler#validate accepts} its piece, then restores, and if one restore
 * fails, {@linkplain MigrationStateHandler#discard discards} the ones already done before reporting.
 */
public final class StateHandlers {

    private static final Logger log = LoggerFactory.getLogger(StateHandlers.class);

    private final Map<String, MigrationStateHandler> handlers;

    public StateHandlers(Collection<? extends MigrationStateHandler> handlers) {
        Map<String, MigrationStateHandler> byName = new LinkedHashMap<>();
        for (MigrationStateHandler h : handlers) {
            MigrationStateHandler previous = byName.put(h.name(), h);
            if (previous != null) {
                throw new IllegalArgumentException("two MigrationStateHandlers are named '" + h.name() + "': "
                        + previous.getClass().getName() + " and " + h.getClass().getName());
            }
        }
        this.handlers = Collections.unmodifiableMap(byName);
    }

    /** No handlers. */
    public static StateHandlers none() {
        return new StateHandlers(List.of());
    }

    public Collection<MigrationStateHandler> handlers() {
        return handlers.values();
    }

    /**
     * Adds every handler's state of {@code sessionId} to {@code snapshot}.
     *
     * @throws MigrationException {@link MigrationError#SOURCE_UNAVAILABLE} if a handler fails
     */
    public SessionSnapshot.Builder captureInto(String sessionId, SessionSnapshot.Builder snapshot) {
        for (MigrationStateHandler h : handlers.values()) {
            byte[] state;
            try {
                state = h.capture(sessionId);
            } catch (RuntimeException e) {
                throw new MigrationException(MigrationError.SOURCE_UNAVAILABLE,
                        "handler '" + h.name() + "' failed to capture session '" + sessionId + "': " + e, e);
            }
            if (state != null && state.length > 0) {
                snapshot.applicationState(h.name(), Bytes.unsafeWrap(state));
            }
        }
        return snapshot;
    }

    /**
     * Restores the application state of {@code snapshot}, all or nothing.
     *
     * @throws MigrationException {@link MigrationError#TARGET_UNAVAILABLE} when state has no handler here or a
     *                            handler refuses or fails; nothing stays applied
     */
    public void restore(SessionSnapshot snapshot) {
        String sessionId = snapshot.sessionId();
        Map<String, Bytes> state = snapshot.applicationState();
        for (String name : state.keySet()) {
            if (!handlers.containsKey(name)) {
                throw new MigrationException(MigrationError.TARGET_UNAVAILABLE, "no MigrationStateHandler named '"
                        + name + "' on this worker; known: " + handlers.keySet());
            }
        }
        List<Map.Entry<MigrationStateHandler, Bytes>> work = new ArrayList<>(state.size());
        for (Map.Entry<String, Bytes> e : state.entrySet()) {
            MigrationStateHandler h = handlers.get(e.getKey());
            Bytes bytes = e.getValue();
            try {
                h.validate(sessionId, bytes);
            } catch (MigrationException ex) {
                throw ex;
            } catch (RuntimeException ex) {
                throw new MigrationException(MigrationError.TARGET_UNAVAILABLE,
                        "handler '" + h.name() + "' refused the state of session '" + sessionId + "': " + ex, ex);
            }
            work.add(Map.entry(h, bytes));
        }
        List<MigrationStateHandler> done = new ArrayList<>(work.size());
        for (Map.Entry<MigrationStateHandler, Bytes> w : work) {
            MigrationStateHandler h = w.getKey();
            try {
                h.restore(sessionId, w.getValue());
                done.add(h);
            } catch (RuntimeException ex) {
                rollBack(sessionId, done, ex);
                throw new MigrationException(MigrationError.TARGET_UNAVAILABLE,
                        "handler '" + h.name() + "' failed to restore session '" + sessionId + "': " + ex
                                + "; " + done.size() + " earlier restore(s) discarded", ex);
            }
        }
    }

    /**
     * Asks every handler to {@linkplain MigrationStateHandler#discard discard} what it holds for
     * {@code sessionId} (the session left this worker, or a restore is rolled back). A failing handler is
     * logged and the others still run.
     */
    public void discard(String sessionId) {
        for (MigrationStateHandler h : handlers.values()) {
            try {
                h.discard(sessionId);
            } catch (RuntimeException e) {
                log.warn("handler '{}' failed to discard session '{}': {}", h.name(), sessionId, e.toString());
            }
        }
    }

    private static void rollBack(String sessionId, List<MigrationStateHandler> done, RuntimeException cause) {
        for (int i = done.size() - 1; i >= 0; i--) {
            MigrationStateHandler h = done.get(i);
            try {
                h.discard(sessionId);
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
                log.warn("handler '{}' failed to discard session '{}' during roll-back: {}", h.name(), sessionId,
                        e.toString());
            }
        }
    }
}
