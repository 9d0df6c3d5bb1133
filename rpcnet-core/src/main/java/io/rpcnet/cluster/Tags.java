package io.rpcnet.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Tag key conventions and validation. Members carry free-form string tags; these three keys have an
 * agreed meaning so tooling (filters, Actuator, metrics) can rely on them.
 */
public final class Tags {

    /** What the node does, e.g. {@code worker} or {@code director}. */
    public static final String ROLE = "role";
    /** A free operator label, e.g. a deployment colour or a tenant. */
    public static final String LABEL = "label";
    /** Failure domain / locality, e.g. {@code eu-west-1a}. */
    public static final String ZONE = "zone";

    private static final Map<String, String> EMPTY = Map.of();

    private Tags() {
    }

    /**
     * An unmodifiable, insertion-ordered copy of {@code tags} after checking every key and value: non-null,
     * trimmed, non-empty, and free of {@code ','} and {@code '='} so any tag set can be written as a
     * {@link TagFilter} string.
     */
    public static Map<String, String> copyOf(Map<String, String> tags) {
        Objects.requireNonNull(tags, "tags");
        if (tags instanceof TagMap || tags == EMPTY) {
            return tags; // already checked and immutable
        }
        if (tags.isEmpty()) {
            return EMPTY;
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>(tags.size() * 2);
        tags.forEach((k, v) -> copy.put(checkToken("tag key", k), checkToken("value of tag '" + k + "'", v)));
        return new TagMap(copy);
    }

    static String checkToken(String what, String token) {
        if (token == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (!token.equals(token.strip())) {
            throw new IllegalArgumentException(what + " must not start or end with whitespace: \"" + token + "\"");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == ',' || c == '=' || Character.isISOControl(c)) {
                throw new IllegalArgumentException(what + " must not contain ',', '=' or control characters: \""
                        + token + "\"");
            }
        }
        return token;
    }
}
