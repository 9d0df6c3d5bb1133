package io.rpcnet.boot.autoconfigure.migration.notification;

import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.state.MigrationPhase;
import io.rpcnet.migration.tracker.MigrationView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Posts a {@link MigrationNotification} to a webhook for every failed or rolled-back migration (and completed
 * ones when asked), as an outcome listener of the coordinator. Delivery never holds up a migration: the
 * listener only queues (at most {@code queueCapacity} notifications wait or are in delivery; more are dropped,
 * with a warning on the first drop and every 100th), and one thread of its own sends them with a timeout per
 * attempt, retrying connection failures, timeouts, 408, 429 and 5xx answers after a doubling backoff, up to
 * {@code maxAttempts}.
 *
 * <p>Headers: {@code Content-Type: application/json}, {@code X-RpcNet-Event} (the event),
 * {@code X-RpcNet-Delivery} (an id, the same on every attempt, for de-duplication) and, with a secret,
 * {@code X-RpcNet-Signature: sha256=<hex of HMAC-SHA256(secret, body)>}. Logs name only the webhook's host:
 * the secret and the URL's path and query (which may carry a token) are never logged.
 */
public final class MigrationWebhookNotifier implements Consumer<MigrationOutcome>, AutoCloseable {

    /** Header carrying the body's signature. */
    public static final String SIGNATURE_HEADER = "X-RpcNet-Signature";
    /** Header carrying the event name. */
    public static final String EVENT_HEADER = "X-RpcNet-Event";
    /** Header carrying the delivery id. */
    public static final String DELIVERY_HEADER = "X-RpcNet-Delivery";

    private static final Logger log = LoggerFactory.getLogger(MigrationWebhookNotifier.class);

    private final URI url;
    private final String host;
    private final SecretKeySpec key;
    private final boolean onCompletion;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration backoff;
    private final int queueCapacity;
    private final Function<String, Optional<MigrationView>> views;
    private final Clock clock;
    private final HttpClient http;
    private final ScheduledThreadPoolExecutor sender;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong undelivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param properties where and how to deliver (checked by the caller)
     * @param views      finds a migration's view, for the phase it reached
     * @param clock      for notification timestamps
     */
    public MigrationWebhookNotifier(RpcMigrationNotificationProperties properties,
                                    Function<String, Optional<MigrationView>> views, Clock clock) {
        this.url = Objects.requireNonNull(properties.getWebhookUrl(), "webhookUrl");
        this.host = url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        String secret = properties.getSecret();
        this.key = secret == null || secret.isEmpty() ? null
                : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.onCompletion = properties.isOnCompletion();
        this.timeout = properties.getTimeout();
        this.maxAttempts = properties.getMaxAttempts();
        this.backoff = properties.getBackoff();
        this.queueCapacity = properties.getQueueCapacity();
        this.views = Objects.requireNonNull(views, "views");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.sender = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "rpcnet-migration-webhook");
            t.setDaemon(true);
            return t;
        });
        sender.setRemoveOnCancelPolicy(true);
    }

    /** Queues the notification of {@code outcome}, if it is one to notify; returns at once, never throws. */
    @Override
    public void accept(MigrationOutcome outcome) {
        if (outcome.completed() && !onCompletion) {
            return;
        }
        try {
            MigrationPhase phase = views.apply(outcome.migrationId()).map(MigrationView::phase).orElse(null);
            MigrationNotification n = MigrationNotification.of(outcome, phase, clock.instant());
            if (pending.incrementAndGet() > queueCapacity) {
                pending.decrementAndGet();
                drop(n, "the queue of " + queueCapacity + " is full");
                return;
            }
            Delivery d = new Delivery(UUID.randomUUID().toString(), n, n.toJson());
            try {
                sender.execute(() -> attempt(d, 1));
            } catch (RejectedExecutionException e) {
                pending.decrementAndGet();
                drop(n, "the notifier is closed");
            }
        } catch (RuntimeException e) {
            log.warn("could not queue the webhook notification of migration {}: {}", outcome.migrationId(),
                    e.toString());
        }
    }

    /** Notifications answered with a 2xx. */
    public long delivered() {
        return delivered.get();
    }

    /** Notifications given up after their last attempt. */
    public long undelivered() {
        return undelivered.get();
    }

    /** Notifications dropped because the queue was full (or the notifier closed). */
    public long dropped() {
        return dropped.get();
    }

    /** Notifications waiting or in delivery. */
    public int pending() {
        return pending.get();
    }

    /** Stops delivering; notifications still waiting are dropped. */
    @Override
    public void close() {
        int left = sender.shutdownNow().size();
        if (left > 0) {
            log.debug("migration webhook closed with {} notification(s) undelivered", left);
        }
    }

    private void attempt(Delivery d, int attempt) {
        String problem;
        boolean retryable;
        try {
            HttpResponse<Void> r = http.send(request(d, attempt), HttpResponse.BodyHandlers.discarding());
            int status = r.statusCode();
            if (status >= 200 && status < 300) {
                delivered.incrementAndGet();
                pending.decrementAndGet();
                log.debug("delivered {} of migration {} to {} (attempt {})", d.n.event(),
                        d.n.outcome().migrationId(), host, attempt);
                return;
            }
            problem = "HTTP " + status;
            retryable = status >= 500 || status == 408 || status == 429;
        } catch (IOException e) {
            problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            retryable = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.decrementAndGet();
            return;
        } catch (RuntimeException e) {
            problem = e.toString();
            retryable = false;
        }
        if (retryable && attempt < maxAttempts && !sender.isShutdown()) {
            long wait = backoff.toNanos() << Math.min(attempt - 1, 20);
            try {
                sender.schedule(() -> attempt(d, attempt + 1), wait, TimeUnit.NANOSECONDS);
                log.debug("webhook {} answered {} for migration {}; retrying in {} ms", host, problem,
                        d.n.outcome().migrationId(), TimeUnit.NANOSECONDS.toMillis(wait));
                return;
            } catch (RejectedExecutionException closed) {
                // fall through: give up
            }
        }
        undelivered.incrementAndGet();
        pending.decrementAndGet();
        log.warn("could not deliver {} of migration {} to the webhook at {} after {} attempt(s): {}", d.n.event(),
                d.n.outcome().migrationId(), host, attempt, problem);
    }

    private HttpRequest request(Delivery d, int attempt) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "RpcNet-Migration-Webhook")
                .header(EVENT_HEADER, d.n.event())
                .header(DELIVERY_HEADER, d.id)
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body));
        if (key != null) {
            b.header(SIGNATURE_HEADER, "sha256=" + sign(key, d.body));
        }
        return b.build();
    }

    /** Hex of HMAC-SHA256 of {@code body} under {@code key}. */
    static String sign(SecretKeySpec key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Warns on the first drop and every 100th after it (a flood must not flood the log too). */
    private void drop(MigrationNotification n, String why) {
        long total = dropped.incrementAndGet();
        if (total == 1 || total % 100 == 0) {
            log.warn("dropped the webhook notification {} of migration {}: {} ({} dropped so far)", n.event(),
                    n.outcome().migrationId(), why, total);
        } else {
            log.debug("dropped the webhook notification {} of migration {}: {}", n.event(),
                    n.outcome().migrationId(), why);
        }
    }

    private record Delivery(String id, MigrationNotification n, byte[] body) {
    }
}
