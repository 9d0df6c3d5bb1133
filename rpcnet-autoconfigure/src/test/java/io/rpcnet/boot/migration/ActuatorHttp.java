package io.rpcnet.boot.migration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Real HTTP calls to a director's Actuator on loopback. */
final class ActuatorHttp {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    ActuatorHttp(int port) {
        this.port = port;
    }

    /** An answer: status, body and the body as JSON (null when it is not JSON). */
    record Response(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    /** {@code value} as Jackson writes it. */
    static JsonNode toJson(Object value) {
        return JSON.valueToTree(value);
    }

    /**
     * The final state of migration {@code id} once its outcome is recorded (just after the state turns final),
     * else null.
     */
    String outcome(String migrationId) {
        Response r = get("/actuator/migration/" + migrationId);
        return r.status() == 200 && !r.json().get("stateBytes").isNull() ? r.json().get("state").asString() : null;
    }

    /** Starts moving {@code sessionId} to {@code target}; returns the migration id. */
    String start(String sessionId, String target) {
        Response r = post("/actuator/migration", "{\"sessionId\":\"" + sessionId + "\",\"targetWorker\":\"" + target
                + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("migrationId").asString();
    }

    /** A statistic of a metric from {@code /actuator/metrics}, e.g. {@code count("x?tag=a:b", "COUNT")}. */
    long metric(String metric, String statistic) {
        Response r = get("/actuator/metrics/" + metric);
        assertThat(r.status()).as(metric + ": " + r.body()).isEqualTo(200);
        for (JsonNode m : r.json().get("measurements")) {
            if (statistic.equals(m.get("statistic").asString())) {
                return Math.round(m.get("value").asDouble());
            }
        }
        throw new AssertionError("no " + statistic + " in " + r.body());
    }

    /** Asserts an error answer of the migration endpoint. */
    static void assertError(Response r, int status, String error, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.json().get("error").asString()).isEqualTo(error);
        assertThat(r.json().get("message").asString()).contains(message);
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Response post(String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (json == null) {
            b.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(b);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
