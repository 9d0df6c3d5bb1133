package io.rpcnet.boot.autoconfigure.migration.notification;

import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.migration.RpcMigrationDirectorAutoConfiguration;
import io.rpcnet.migration.coordinator.MigrationCoordinator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * Webhook notifications of migration outcomes on a director ({@code rpcnet.migration.notifications.webhook-url}
 * set): a {@link MigrationWebhookNotifier} listening to the {@link MigrationCoordinator}'s outcomes.
 */
@AutoConfiguration(after = RpcMigrationDirectorAutoConfiguration.class)
@ConditionalOnClass(MigrationCoordinator.class)
@ConditionalOnBean(MigrationCoordinator.class)
@ConditionalOnProperty(prefix = "rpcnet.migration.notifications", name = "webhook-url")
@EnableConfigurationProperties(RpcMigrationNotificationProperties.class)
public final class RpcMigrationNotificationAutoConfiguration {

    private static final String P = "rpcnet.migration.notifications.";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    MigrationWebhookNotifier migrationWebhookNotifier(MigrationCoordinator coordinator,
                                                      RpcMigrationNotificationProperties properties,
                                                      ObjectProvider<Clock> clock) {
        check(properties);
        MigrationWebhookNotifier notifier = new MigrationWebhookNotifier(properties, coordinator::find,
                clock.getIfUnique(Clock::systemUTC));
        coordinator.addOutcomeListener(notifier);
        return notifier;
    }

    static void check(RpcMigrationNotificationProperties p) {
        URI url = p.getWebhookUrl();
        String scheme = url == null ? null : url.getScheme();
        if (url == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                || url.getHost() == null) {
            // the URL may carry a token: show only its scheme and host
            throw new InvalidRpcPropertyException(P + "webhook-url", url == null ? null : scheme + "://"
                    + (url.getHost() == null ? "?" : url.getHost()) + "/(hidden)", "must be an absolute http or "
                    + "https URL");
        }
        positive("timeout", p.getTimeout());
        if (p.getBackoff() == null || p.getBackoff().isNegative()) {
            throw new InvalidRpcPropertyException(P + "backoff", p.getBackoff(), "must be zero or a positive duration");
        }
        if (p.getMaxAttempts() < 1 || p.getMaxAttempts() > 20) {
            throw new InvalidRpcPropertyException(P + "max-attempts", p.getMaxAttempts(), "must be between 1 and 20");
        }
        if (p.getQueueCapacity() < 1) {
            throw new InvalidRpcPropertyException(P + "queue-capacity", p.getQueueCapacity(), "must be at least 1");
        }
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidRpcPropertyException(P + name, value, "must be a positive duration");
        }
    }
}
