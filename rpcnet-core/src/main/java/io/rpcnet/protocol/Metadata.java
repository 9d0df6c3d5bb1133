package io.rpcnet.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Call metadata (headers or trailers): an ordered map of lower-case ASCII keys to UTF-8 string values.
 * Mutable while a call is being set up; {@link #unmodifiable()} gives a read-only view.
 */
public final class Metadata {

    private static final Metadata EMPTY = new Metadata(Collections.emptyMap());

    /** Null until the first {@link #put}: most calls carry no metadata, and a map per call would cost. */
    private Map<String, String> entries;

    public Metadata() {
        this(null);
    }

    private Metadata(Map<String, String> entries) {
        this.entries = entries;
    }

    public static Metadata empty() {
        return EMPTY;
    }

    public static Metadata of(Map<String, String> values) {
        Metadata metadata = new Metadata();
        values.forEach(metadata::put);
        return metadata;
    }

    /** Adds or replaces a key; keys are normalised to lower case and must be non-empty printable ASCII. */
    public Metadata put(String key, String value) {
        String k = checkKey(key);
        if (entries == null) {
            entries = new LinkedHashMap<>();
        }
        entries.put(k, value == null ? "" : value);
        return this;
    }

    public String get(String key) {
        return entries == null ? null : entries.get(key.toLowerCase(Locale.ROOT));
    }

    public int size() {
        return entries == null ? 0 : entries.size();
    }

    public boolean isEmpty() {
        return entries == null || entries.isEmpty();
    }

    public Map<String, String> asMap() {
        return entries == null ? Collections.emptyMap() : Collections.unmodifiableMap(entries);
    }

    public Metadata copy() {
        return new Metadata(entries == null ? null : new LinkedHashMap<>(entries));
    }

    /** A read-only view: later {@link #put}s show through it. */
    public Metadata unmodifiable() {
        if (entries == null) {
            entries = new LinkedHashMap<>();
        }
        return new Metadata(Collections.unmodifiableMap(entries));
    }

    private static String checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("metadata key must not be empty");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("metadata key must be printable ASCII: " + key);
            }
        }
        return key.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return entries == null ? "{}" : entries.toString();
    }
}
