package io.rpcnet.cluster;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The validated, unmodifiable, insertion-ordered tag map that {@link Tags#copyOf} returns. Being a distinct
 * type lets {@code copyOf} skip copying maps it produced itself, so snapshots rebuilt on every heartbeat and
 * evaluation share one tag map instead of copying it each time.
 */
final class TagMap extends AbstractMap<String, String> {

    private final Map<String, String> tags;
    private final Set<Entry<String, String>> entries;

    /** Takes ownership of {@code validated}, which nobody else may hold. */
    TagMap(LinkedHashMap<String, String> validated) {
        this.tags = validated;
        this.entries = Collections.unmodifiableMap(validated).entrySet();
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return entries;
    }

    @Override
    public String get(Object key) {
        return tags.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return tags.containsKey(key);
    }

    @Override
    public int size() {
        return tags.size();
    }
}
