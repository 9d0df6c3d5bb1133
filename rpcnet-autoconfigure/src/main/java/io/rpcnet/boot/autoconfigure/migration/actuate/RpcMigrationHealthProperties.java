package io.rpcnet.boot.autoconfigure.migration.actuate;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Rules of the director's health contributor {@code migration}, under {@code rpcnet.migration.health} (turn the
 * contributor off with {@code management.health.migration.enabled=false}).
 */
@ConfigurationProperties("rpcnet.migration.health")
public class RpcMigrationHealthProperties {

    /** Span of recently finished migrations the failure rate is computed over. */
    private Duration window = Duration.ofMinutes(5);

    /** Share of failed migrations in the window (0 to 1) above which health is DOWN. */
    private double failureRateThreshold = 0.5;

    /** Finished migrations the window must hold before its failure rate counts. */
    private int minMigrations = 5;

    /**
     * How long past rpcnet.migration.timeout a migration may still be running before it counts as
     * stuck (health DOWN).
     */
    private Duration stuckMargin = Duration.ofSeconds(10);

    public Duration getWindow() {
        return window;
    }

    public void setWindow(Duration window) {
        this.window = window;
    }

    public double getFailureRateThreshold() {
        return failureRateThreshold;
    }

    public void setFailureRateThreshold(double failureRateThreshold) {
        this.failureRateThreshold = failureRateThreshold;
    }

    public int getMinMigrations() {
        return minMigrations;
    }

    public void setMinMigrations(int minMigrations) {
        this.minMigrations = minMigrations;
    }

    public Duration getStuckMargin() {
        return stuckMargin;
    }

    public void setStuckMargin(Duration stuckMargin) {
        this.stuckMargin = stuckMargin;
    }
}
