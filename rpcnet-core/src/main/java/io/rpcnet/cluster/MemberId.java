package io.rpcnet.cluster;

import java.util.Objects;

/**
 * Stable identity of a cluster member (normally the worker's configured node name). Survives restarts,
 * unlike the incarnation; ordering by id is what makes round-robin order stable across directors.
 *
 * @param value non-blank, at most 256 characters, no whitespace or control characters
 */
public record MemberId(String value) implements Comparable<MemberId> {

    /** Longest accepted id, to keep heartbeats and metric tags small. */
    public static final int MAX_LENGTH = 256;

    public MemberId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("member id must have 1.." + MAX_LENGTH + " characters: \"" + value + "\"");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("member id must not contain whitespace or control characters: \""
                        + value + "\"");
            }
        }
    }

    public static MemberId of(String value) {
        return new MemberId(value);
    }

    @Override
    public int compareTo(MemberId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
