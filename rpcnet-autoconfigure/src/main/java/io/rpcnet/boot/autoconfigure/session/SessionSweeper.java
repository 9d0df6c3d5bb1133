package io.rpcnet.boot.autoconfigure.session;

import io.rpcnet.migration.participant.MigrationParticipant;
import io.rpcnet.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sweeps a worker's sessions every {@code rpcnet.session.sweep-interval} while the context runs: closes
 * sessions idle past their timeout ({@link SessionManager#sweepExpired()}) and rolls back migrations their
 * coordinator abandoned ({@link MigrationParticipant#sweepAbandoned()}, when there is a participant). One
 * daemon thread, stopped with the context.
 */
public class SessionSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionSweeper.class);

    private final SessionManager sessions;
    private final Supplier<MigrationParticipant> participant;
    private final Duration interval;
    private volatile ScheduledExecutorService scheduler;

    /**
     * @param sessions    the sessions to sweep
     * @param participant the migration participant, or a supplier of {@code null} when there is none
     * @param interval    time between sweeps, &gt; 0
     */
    public SessionSweeper(SessionManager sessions, Supplier<MigrationParticipant> participant, Duration interval) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.participant = Objects.requireNonNull(participant, "participant");
        this.interval = Objects.requireNonNull(interval, "interval");
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rpcnet-session-sweeper");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, interval.toMillis());
        s.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
        scheduler = s;
    }

    @Override
    public synchronized void stop() {
        ScheduledExecutorService s = scheduler;
        scheduler = null;
        if (s != null) {
            s.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }

    /** Sweeps once now; returns the sessions expired plus the migrations rolled back. Never throws. */
    public int sweep() {
        int swept = 0;
        try {
            int expired = sessions.sweepExpired();
            int abandoned = 0;
            MigrationParticipant p = participant.get();
            if (p != null) {
                abandoned = p.sweepAbandoned();
            }
            if (expired > 0 || abandoned > 0) {
                log.debug("swept {} idle sessions and {} abandoned migrations", expired, abandoned);
            }
            swept = expired + abandoned;
        } catch (RuntimeException e) {
            log.warn("session sweep failed: {}", e.toString());
        }
        return swept;
    }

    /** The interval between sweeps. */
    public Duration interval() {
        return interval;
    }
}
