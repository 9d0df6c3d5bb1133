package io.rpcnet.protocol;

/**
 * The GOAWAY frame: the server is draining. Calls with ids up to {@code lastCallId} are finished; later
 * ones are refused with UNAVAILABLE and may safely be retried elsewhere.
 *
 * @param lastCallId  highest call id the server accepted
 * @param graceMillis how long the server waits for in-flight calls before closing
 * @param reason      human-readable reason
 */
public record GoAway(long lastCallId, long graceMillis, String reason) {
}
