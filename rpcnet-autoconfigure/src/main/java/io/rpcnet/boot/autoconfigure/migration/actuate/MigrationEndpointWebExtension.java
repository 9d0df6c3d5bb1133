package io.rpcnet.boot.autoconfigure.migration.actuate;

import io.rpcnet.migration.MigrationException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import java.util.Objects;

/**
 * HTTP side of {@link MigrationEndpoint}'s write operations: {@code 202 Accepted} for a started migration or
 * drain ({@code 200} when the worker's drain has already finished), and a JSON error with a message otherwise —
 * {@code 400} for a missing session id or an unknown action, {@code 404} for a session or worker the director
 * does not know, {@code 409} for a session already migrating, {@code 422} for a target worker that cannot
 * take the session (same, cordoned, not alive), {@code 503} when no worker can (or the coordinator is
 * stopping). Nothing is started when the answer is an error.
 */
@EndpointWebExtension(endpoint = MigrationEndpoint.class)
public class MigrationEndpointWebExtension {

    /** 202: the request was accepted and runs in the background. */
    public static final int STATUS_ACCEPTED = 202;
    /** 409: the session is being migrated already. */
    public static final int STATUS_CONFLICT = 409;
    /** 422: the request is well-formed but names a worker that cannot take the session. */
    public static final int STATUS_UNPROCESSABLE = 422;

    private final MigrationEndpoint endpoint;

    public MigrationEndpointWebExtension(MigrationEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** {@code POST /actuator/migration} with {@code {"sessionId": "...", "targetWorker": "..."}}. */
    @WriteOperation
    public WebEndpointResponse<Object> start(@Nullable String sessionId, @Nullable String targetWorker) {
        try {
            return new WebEndpointResponse<>(endpoint.start(sessionId, targetWorker), STATUS_ACCEPTED);
        } catch (IllegalArgumentException e) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, "BAD_REQUEST", e.getMessage());
        } catch (MigrationException e) {
            int status = switch (e.error()) {
                case SOURCE_UNAVAILABLE -> WebEndpointResponse.STATUS_NOT_FOUND;
                case ALREADY_MIGRATING -> STATUS_CONFLICT;
                case TARGET_UNAVAILABLE -> targetWorker == null || targetWorker.isBlank()
                        ? WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE : STATUS_UNPROCESSABLE;
                default -> WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE;
            };
            return error(status, e.error().name(), e.getMessage());
        }
    }

    /** {@code POST /actuator/migration/drain/{workerId}} (no body needed). */
    @WriteOperation
    public WebEndpointResponse<Object> drain(@Selector String action, @Selector String workerId) {
        if (!MigrationEndpoint.DRAIN.equals(action)) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, "NOT_FOUND", "unknown action '" + action
                    + "'; use POST /actuator/migration/" + MigrationEndpoint.DRAIN + "/{workerId}");
        }
        try {
            DrainDescriptor drain = endpoint.drain(action, workerId);
            return new WebEndpointResponse<>(drain, drain.finished() ? WebEndpointResponse.STATUS_OK
                    : STATUS_ACCEPTED);
        } catch (IllegalArgumentException e) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, "UNKNOWN_WORKER", e.getMessage());
        }
    }

    private static WebEndpointResponse<Object> error(int status, String error, String message) {
        return new WebEndpointResponse<>(new ErrorDescriptor(status, error, message), status);
    }

    /**
     * The body of an error answer.
     *
     * @param status  the HTTP status
     * @param error   a machine-readable cause (a {@link io.rpcnet.migration.MigrationError} name or
     *                {@code BAD_REQUEST}, {@code NOT_FOUND}, {@code UNKNOWN_WORKER})
     * @param message for people
     */
    public record ErrorDescriptor(int status, String error, String message) {
    }
}
