package io.rpcnet.boot.autoconfigure.migration.notification;

import io.rpcnet.migration.coordinator.MigrationOutcome;
import io.rpcnet.migration.state.MigrationPhase;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON body of a webhook notification, e.g.
 * <pre>{@code
 * {"event":"migration.rolled_back","migrationId":"…","sessionId":"…","source":"w1","target":"w2",
 *  "outcome":"FAILED","error":"STATE_CORRUPTION","detail":"…","phase":"BASE_COPY","requestedBy":"OPERATOR",
 *  "reason":"actuator","durationMs":12.5,"pauseMs":0.0,"stateBytes":2048,"timestamp":"2026-11-02T10:15:30Z"}
 * }</pre>
 * Events: {@code migration.completed}; {@code migration.rolled_back} for a migration that failed after its state
 * transfer began (what the target had received is discarded, the session stays on the source);
 * {@code migration.failed} for one that failed before any state moved.
 *
 * @param event   the event name
 * @param outcome how the migration ended
 * @param phase   the last phase the migration reached, or null if it never transferred
 * @param at      when the notification was made
 */
public record MigrationNotification(String event, MigrationOutcome outcome, MigrationPhase phase, Instant at) {

    /** Event of a completed migration. */
    public static final String COMPLETED = "migration.completed";
    /** Event of a migration that failed after its state transfer began. */
    public static final String ROLLED_BACK = "migration.rolled_back";
    /** Event of a migration that failed before any state moved. */
    public static final String FAILED = "migration.failed";

    /** The notification of {@code outcome}, given the last phase it reached (null if none). */
    public static MigrationNotification of(MigrationOutcome outcome, MigrationPhase phase, Instant at) {
        String event = outcome.completed() ? COMPLETED : phase != null ? ROLLED_BACK : FAILED;
        return new MigrationNotification(event, outcome, phase, at);
    }

    /** The fields, in order. */
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("event", event);
        f.put("migrationId", outcome.migrationId());
        f.put("sessionId", outcome.sessionId());
        f.put("source", outcome.source());
        f.put("target", outcome.target());
        f.put("outcome", outcome.completed() ? "COMPLETED" : "FAILED");
        f.put("error", outcome.error().map(Enum::name).orElse(null));
        f.put("detail", outcome.detail() == null || outcome.detail().isEmpty() ? null : outcome.detail());
        f.put("phase", phase == null ? null : phase.name());
        f.put("requestedBy", outcome.requestedBy() == null ? null : outcome.requestedBy().name());
        f.put("reason", outcome.reason());
        f.put("durationMs", millis(outcome.duration()));
        f.put("pauseMs", millis(outcome.pause()));
        f.put("stateBytes", outcome.stateBytes());
        f.put("timestamp", at.toString());
        return f;
    }

    /** The body: compact JSON in UTF-8. */
    public byte[] toJson() {
        StringBuilder b = new StringBuilder(512).append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : fields().entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            string(b, e.getKey());
            b.append(':');
            Object v = e.getValue();
            if (v == null) {
                b.append("null");
            } else if (v instanceof Number) {
                b.append(v);
            } else {
                string(b, v.toString());
            }
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double millis(java.time.Duration d) {
        return d == null ? 0 : Math.round(d.toNanos() / 1_000.0) / 1_000.0;
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
