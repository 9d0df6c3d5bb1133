package io.rpcnet.migration.snapshot;

import io.rpcnet.migration.internal.Ids;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a worker needs to take over a session: its id, version, attributes, the response data still
 * buffered for the client (keyed by stream or call id, not yet acknowledged), and the application state
 * contributed by {@link MigrationStateHandler}s, captured at one instant and sealed with a CRC32C
 * {@linkplain #checksum() checksum}.
 *
 * <p>Immutable. Values are {@link Bytes}, so a snapshot can share a live session's immutable values without
 * copying them. Maps are sorted, which makes the binary form (see {@link SnapshotCodec}) and thus the
 * checksum canonical: equal content, equal checksum.
 */
public final class SessionSnapshot {

    /** Longest attribute name, in UTF-8 bytes. */
    public static final int MAX_ATTRIBUTE_NAME_BYTES = 64 * 1024;

    private final String sessionId;
    private final Instant capturedAt;
    private final long version;
    private final SortedMap<String, Bytes> attributes;
    private final SortedMap<Long, Bytes> bufferedData;
    private final SortedMap<String, Bytes> applicationState;
    private final long encodedSize;
    private final long checksum;

    /** Used by the builder (computes size and checksum) and by the decoder (which has verified both). */
    SessionSnapshot(String sessionId, Instant capturedAt, long version, SortedMap<String, Bytes> attributes,
                    SortedMap<Long, Bytes> bufferedData, SortedMap<String, Bytes> applicationState,
                    long encodedSize, long checksum) {
        this.sessionId = sessionId;
        this.capturedAt = capturedAt;
        this.version = version;
        this.attributes = Collections.unmodifiableSortedMap(attributes);
        this.bufferedData = Collections.unmodifiableSortedMap(bufferedData);
        this.applicationState = Collections.unmodifiableSortedMap(applicationState);
        this.encodedSize = encodedSize;
        this.checksum = checksum;
    }

    /** A builder for a snapshot of {@code sessionId}. */
    public static Builder builder(String sessionId) {
        return new Builder(sessionId);
    }

    /** A builder pre-filled with this snapshot's content. */
    public Builder toBuilder() {
        Builder b = new Builder(sessionId).capturedAt(capturedAt).version(version);
        b.attributes.putAll(attributes);
        b.bufferedData.putAll(bufferedData);
        b.applicationState.putAll(applicationState);
        return b;
    }

    public String sessionId() {
        return sessionId;
    }

    public Instant capturedAt() {
        return capturedAt;
    }

    /** The session version at capture; the target resumes from it and catch-up ships what came after. */
    public long version() {
        return version;
    }

    /** Session attributes by name, values as encoded by the session layer. Unmodifiable, sorted. */
    public SortedMap<String, Bytes> attributes() {
        return attributes;
    }

    /** Response data not yet acknowledged by the client, by stream or call id. Unmodifiable, sorted. */
    public SortedMap<Long, Bytes> bufferedData() {
        return bufferedData;
    }

    /** State contributed by {@link MigrationStateHandler}s, by handler name. Unmodifiable, sorted. */
    public SortedMap<String, Bytes> applicationState() {
        return applicationState;
    }

    /** Total bytes of all values (attributes, buffered data, application state). */
    public long stateBytes() {
        long n = 0;
        for (Bytes b : attributes.values()) {
            n += b.size();
        }
        for (Bytes b : bufferedData.values()) {
            n += b.size();
        }
        for (Bytes b : applicationState.values()) {
            n += b.size();
        }
        return n;
    }

    /** Size of the binary form ({@link SnapshotCodec}), known without encoding; checked against caps. */
    public long encodedSize() {
        return encodedSize;
    }

    /** CRC32C of the binary form (without its 4-byte trailer), as an unsigned 32-bit value. */
    public long checksum() {
        return checksum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionSnapshot s && checksum == s.checksum && version == s.version
                && sessionId.equals(s.sessionId) && capturedAt.equals(s.capturedAt)
                && attributes.equals(s.attributes) && bufferedData.equals(s.bufferedData)
                && applicationState.equals(s.applicationState);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, version, checksum);
    }

    /** Identity and sizes only, never content. */
    @Override
    public String toString() {
        return "SessionSnapshot[session=" + sessionId + ", version=" + version + ", capturedAt=" + capturedAt
                + ", attributes=" + attributes.size() + ", buffered=" + bufferedData.size() + ", handlers="
                + applicationState.size() + ", encodedSize=" + encodedSize + ", checksum="
                + String.format("%08x", checksum) + "]";
    }

    /** Collects the parts of a snapshot; {@link #build()} validates and seals it. Not thread-safe. */
    public static final class Builder {
        private final String sessionId;
        private Instant capturedAt;
        private long version;
        private final TreeMap<String, Bytes> attributes = new TreeMap<>();
        private final TreeMap<Long, Bytes> bufferedData = new TreeMap<>();
        private final TreeMap<String, Bytes> applicationState = new TreeMap<>();

        private Builder(String sessionId) {
            this.sessionId = Ids.require("sessionId", sessionId);
        }

        /** When the state was captured; required (take it from the injected {@code Clock}). */
        public Builder capturedAt(Instant at) {
            this.capturedAt = Objects.requireNonNull(at, "capturedAt");
            return this;
        }

        public Builder version(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("version must be >= 0, got " + v);
            }
            this.version = v;
            return this;
        }

        public Builder attribute(String name, Bytes value) {
            Objects.requireNonNull(name, "attribute name");
            int len = name.getBytes(StandardCharsets.UTF_8).length;
            if (len > MAX_ATTRIBUTE_NAME_BYTES) {
                throw new IllegalArgumentException("attribute name is " + len + " UTF-8 bytes, at most "
                        + MAX_ATTRIBUTE_NAME_BYTES + " allowed");
            }
            attributes.put(name, Objects.requireNonNull(value, "attribute value"));
            return this;
        }

        /** Copies {@code value}. */
        public Builder attribute(String name, byte[] value) {
            return attribute(name, Bytes.copyOf(value));
        }

        public Builder attributes(Map<String, Bytes> values) {
            values.forEach(this::attribute);
            return this;
        }

        /** Buffered response data of stream or call {@code id} (>= 0). */
        public Builder bufferedData(long id, Bytes data) {
            if (id < 0) {
                throw new IllegalArgumentException("stream/call id must be >= 0, got " + id);
            }
            bufferedData.put(id, Objects.requireNonNull(data, "buffered data"));
            return this;
        }

        /** State of the {@link MigrationStateHandler} named {@code handler}. */
        public Builder applicationState(String handler, Bytes state) {
            applicationState.put(Ids.require("handler name", handler), Objects.requireNonNull(state, "state"));
            return this;
        }

        /** Validates, computes the encoded size and the checksum, and returns the immutable snapshot. */
        public SessionSnapshot build() {
            if (capturedAt == null) {
                throw new IllegalStateException("capturedAt is required");
            }
            TreeMap<String, Bytes> attrs = new TreeMap<>(attributes);
            TreeMap<Long, Bytes> buffered = new TreeMap<>(bufferedData);
            TreeMap<String, Bytes> app = new TreeMap<>(applicationState);
            long size = SnapshotCodec.encodedSize(sessionId, capturedAt, version, attrs, buffered, app);
            long crc = SnapshotCodec.checksum(sessionId, capturedAt, version, attrs, buffered, app);
            return new SessionSnapshot(sessionId, capturedAt, version, attrs, buffered, app, size, crc);
        }
    }
}
