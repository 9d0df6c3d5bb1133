package io.rpcnet.boot.autoconfigure.migration.notification;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/**
 * Webhook notifications of migration outcomes from the director, under {@code rpcnet.migration.notifications}:
 * off until {@code webhook-url} is set.
 */
@ConfigurationProperties("rpcnet.migration.notifications")
public class RpcMigrationNotificationProperties {

    /**
     * URL receiving a JSON POST for every failed or rolled-back migration (and completed ones with
     * on-completion); http or https. Notifications are off when unset. Only its host is ever logged.
     */
    private URI webhookUrl;

    /**
     * Key signing each body with HMAC-SHA256, sent as header X-RpcNet-Signature ("sha256=" and the hex
     * digest); bodies are unsigned when unset. Secret: never logged.
     */
    private String secret;

    /** Whether completed migrations are notified too (failed and rolled-back ones always are). */
    private boolean onCompletion = false;

    /** Longest one delivery attempt may take, connecting included. */
    private Duration timeout = Duration.ofSeconds(2);

    /** Delivery attempts per notification (the first included); a 2xx answer ends them. */
    private int maxAttempts = 3;

    /** Wait before the second attempt, doubling before each further one. */
    private Duration backoff = Duration.ofMillis(200);

    /** Notifications waiting or being delivered at most; beyond it new ones are dropped with a warning. */
    private int queueCapacity = 100;

    public URI getWebhookUrl() {
        return webhookUrl;
    }

    public void setWebhookUrl(URI webhookUrl) {
        this.webhookUrl = webhookUrl;
    }

    public String getSecret() {
        return secret;
    }

    public void setSecret(String secret) {
        this.secret = secret;
    }

    public boolean isOnCompletion() {
        return onCompletion;
    }

    public void setOnCompletion(boolean onCompletion) {
        this.onCompletion = onCompletion;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public Duration getBackoff() {
        return backoff;
    }

    public void setBackoff(Duration backoff) {
        this.backoff = backoff;
    }

    public int getQueueCapacity() {
        return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    /** The secret and the URL (which may carry a token) are not shown. */
    @Override
    public String toString() {
        return "RpcMigrationNotificationProperties[webhookHost=" + (webhookUrl == null ? "unset"
                : webhookUrl.getHost()) + ", secret=" + (secret == null ? "unset" : "***") + ", onCompletion="
                + onCompletion + ", timeout=" + timeout + ", maxAttempts=" + maxAttempts + ", backoff=" + backoff
                + ", queueCapacity=" + queueCapacity + "]";
    }
}
