package io.rpcnet.boot.autoconfigure.session;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/** Sessions a worker serves ({@code RpcSession}), under {@code rpcnet.session}. */
@ConfigurationProperties("rpcnet.session")
public class RpcSessionProperties {

    /** Whether a worker ({@code rpcnet.cluster.role=worker}) serves sessions and takes part in live migration. */
    private boolean enabled = true;

    /** How long a session may go without a call before it expires; 0 = never. */
    private Duration idleTimeout = Duration.ofMinutes(30);

    /** Recent changes each session keeps, so a migration can catch up without a new base copy. */
    private int maxChangeLog = 4096;

    /** Recent responses each session keeps, so a call retried after a move is answered, not run twice. */
    private int maxCachedResponses = 64;

    /** How long a worker answers MOVED for a session it handed over; afterwards such calls get SESSION_LOST. */
    private Duration movedGrace = Duration.ofSeconds(60);

    /** Hand-overs remembered for MOVED answers at most; the oldest is forgotten first. */
    private int maxMovedSessions = 100_000;

    /** How often expired sessions and abandoned migrations are swept. */
    private Duration sweepInterval = Duration.ofSeconds(5);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public int getMaxChangeLog() {
        return maxChangeLog;
    }

    public void setMaxChangeLog(int maxChangeLog) {
        this.maxChangeLog = maxChangeLog;
    }

    public int getMaxCachedResponses() {
        return maxCachedResponses;
    }

    public void setMaxCachedResponses(int maxCachedResponses) {
        this.maxCachedResponses = maxCachedResponses;
    }

    public Duration getMovedGrace() {
        return movedGrace;
    }

    public void setMovedGrace(Duration movedGrace) {
        this.movedGrace = movedGrace;
    }

    public int getMaxMovedSessions() {
        return maxMovedSessions;
    }

    public void setMaxMovedSessions(int maxMovedSessions) {
        this.maxMovedSessions = maxMovedSessions;
    }

    public Duration getSweepInterval() {
        return sweepInterval;
    }

    public void setSweepInterval(Duration sweepInterval) {
        this.sweepInterval = sweepInterval;
    }
}
