package io.rpcnet.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Which members a call or session may go to: every listed tag must be present with exactly that value
 * (logical AND; an empty filter matches everyone). Written in configuration as {@code "role=worker,zone=eu"}.
 *
 * <p>Equality is by the set of required tags (order-insensitive); {@link #toString()} keeps the given order,
 * so {@code TagFilter.parse(f.toString()).equals(f)} always holds and messages show what the user wrote.
 *
 * <p>A value class rather than a record only so that its hash code and text are computed once: filters are
 * map keys on the selection path.
 */
public final class TagFilter {

    /** Matches every member. */
    public static final TagFilter ANY = new TagFilter(Map.of());

    private final Map<String, String> required;
    private final int hash;
    private final String text;

    /** A filter requiring every entry of {@code required} (checked like member tags, see {@link Tags#copyOf}). */
    public TagFilter(Map<String, String> required) {
        this.required = Tags.copyOf(required);
        this.hash = this.required.hashCode();
        StringJoiner j = new StringJoiner(",");
        this.required.forEach((k, v) -> j.add(k + "=" + v));
        this.text = j.toString();
    }

    /** Tag key to required value; unmodifiable, in the order given. */
    public Map<String, String> required() {
        return required;
    }

    /** A filter requiring exactly these tags. */
    public static TagFilter of(Map<String, String> required) {
        return required.isEmpty() ? ANY : new TagFilter(required);
    }

    /** A filter requiring one tag. */
    public static TagFilter of(String key, String value) {
        return new TagFilter(Map.of(key, value));
    }

    /** This filter plus one more required tag (replacing the value if the key is already required). */
    public TagFilter and(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(required);
        more.put(key, value);
        return new TagFilter(more);
    }

    /**
     * Parses {@code key=value} entries separated by commas; whitespace around keys, values and entries is
     * ignored, and a blank string is {@link #ANY}.
     *
     * @throws IllegalArgumentException naming the offending entry when an entry has no {@code '='}, more than
     *                                  one, an empty key or value, or repeats a key; or when an entry is empty
     *                                  (e.g. {@code "a=1,,b=2"} or a trailing comma)
     */
    public static TagFilter parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            return ANY;
        }
        Map<String, String> tags = new LinkedHashMap<>();
        String[] entries = text.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            String where = "tag filter \"" + text + "\", entry " + (i + 1);
            if (entry.isEmpty()) {
                throw new IllegalArgumentException(where + " is empty (expected key=value)");
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(where + " '" + entry + "' has no '=' (expected key=value)");
            }
            if (entry.indexOf('=', eq + 1) >= 0) {
                throw new IllegalArgumentException(where + " '" + entry + "' has more than one '='");
            }
            String key = entry.substring(0, eq).strip();
            String value = entry.substring(eq + 1).strip();
            if (key.isEmpty()) {
                throw new IllegalArgumentException(where + " '" + entry + "' has an empty key");
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException(where + " '" + entry + "' has an empty value");
            }
            if (tags.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException(where + " repeats key '" + key + "'");
            }
        }
        try {
            return new TagFilter(tags);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tag filter \"" + text + "\": " + e.getMessage(), e);
        }
    }

    /** Whether {@code tags} contains every required tag with the required value. */
    public boolean matches(Map<String, String> tags) {
        for (Map.Entry<String, String> e : required.entrySet()) {
            if (!e.getValue().equals(tags.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the member's tags satisfy this filter. */
    public boolean matches(Member member) {
        return matches(member.tags());
    }

    public boolean isAny() {
        return required.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof TagFilter other && hash == other.hash && required.equals(other.required);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** {@code key=value} entries joined by {@code ','}; empty for {@link #ANY}. Parses back to an equal filter. */
    @Override
    public String toString() {
        return text;
    }
}
