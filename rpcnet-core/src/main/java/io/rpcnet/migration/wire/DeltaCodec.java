package io.rpcnet.migration.wire;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.internal.Ids;
import io.rpcnet.migration.internal.Varints;
import io.rpcnet.migration.internal.WireFormatException;
import io.rpcnet.migration.internal.WireReader;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import io.rpcnet.session.SessionBytes;
import io.rpcnet.session.SessionChange;
import io.rpcnet.session.SessionDelta;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The binary form of a {@link SessionDelta} (the catch-up changes of a migration), optionally with the
 * application state of the final delta, before it is sealed for the wire. Compact and strict: a decoder
 * accepts exactly what {@link #encode} writes and reports anything else as
 * {@link MigrationError#STATE_CORRUPTION}, never with an index exception or an allocation sized by the input.
 *
 * <pre>
 * format      1 byte   0x01
 * sessionId   varint length + UTF-8 (at most 1 024 bytes)
 * fromVersion varint
 * toVersion   varint, &gt;= fromVersion
 * truncated   1 byte   0x00 or 0x01
 * changes     unless truncated, toVersion - fromVersion times, versions fromVersion + 1, + 2, ...:
 *             0x01 Put            varint version, name, value
 *             0x02 Remove         varint version, name
 *             0x03 ResponseCached varint version, varint call id, response
 * appState    1 byte   0x00 (not included) or 0x01, then varint count and count x (handler name, value),
 *             handler names strictly ascending by {@link String#compareTo}
 * </pre>
 * Names and values are a varint length and the bytes; names are UTF-8 (attribute names at most
 * {@value SessionSnapshot#MAX_ATTRIBUTE_NAME_BYTES} bytes). Varints are unsigned LEB128, minimally encoded.
 * Nothing may follow.
 */
public final class DeltaCodec {

    /** The format version written by this class. */
    public static final int FORMAT_VERSION = 1;

    static final int PUT = 1;
    static final int REMOVE = 2;
    static final int RESPONSE_CACHED = 3;
    /** Longest session id and handler name accepted, in UTF-8 bytes. */
    static final int MAX_ID_BYTES = 1024;
    /** Fewest bytes one change takes (a Remove of an empty name); bounds a claimed change count. */
    private static final int MIN_CHANGE_BYTES = 3;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private DeltaCodec() {
    }

    /**
     * The binary form of {@code delta} and, unless {@code applicationState} is {@code null}, of the
     * application state by handler name.
     *
     * @throws IllegalArgumentException when the delta cannot be encoded (versions not consecutive, a negative
     *                                  version or call id, an unusable session id, attribute or handler name)
     * @throws MigrationException       {@link MigrationError#STATE_TOO_LARGE} above 2 GiB
     */
    public static byte[] encode(SessionDelta delta, Map<String, Bytes> applicationState) {
        Objects.requireNonNull(delta, "delta");
        byte[] sessionId = utf8(Ids.require("sessionId", delta.sessionId()), "session id", MAX_ID_BYTES);
        if (delta.fromVersion() < 0 || delta.toVersion() < delta.fromVersion()) {
            throw new IllegalArgumentException("delta " + delta.fromVersion() + ".." + delta.toVersion()
                    + " of session " + delta.sessionId() + " has no valid version range");
        }
        List<SessionChange> changes = delta.changes();
        byte[][] names = new byte[changes.size()][];
        long size = 1 + sized(sessionId.length) + Varints.size(delta.fromVersion())
                + Varints.size(delta.toVersion()) + 1 + 1;
        for (int i = 0; i < changes.size(); i++) {
            SessionChange c = changes.get(i);
            long expected = delta.fromVersion() + i + 1;
            if (c.version() != expected) {
                throw new IllegalArgumentException("change " + i + " of session " + delta.sessionId()
                        + " has version " + c.version() + ", expected " + expected);
            }
            size += 1 + Varints.size(c.version());
            if (c instanceof SessionChange.Put p) {
                names[i] = utf8(p.name(), "attribute name", SessionSnapshot.MAX_ATTRIBUTE_NAME_BYTES);
                size += sized(names[i].length) + sized(p.value().size());
            } else if (c instanceof SessionChange.Remove r) {
                names[i] = utf8(r.name(), "attribute name", SessionSnapshot.MAX_ATTRIBUTE_NAME_BYTES);
                size += sized(names[i].length);
            } else if (c instanceof SessionChange.ResponseCached rc) {
                if (rc.callId() < 0) {
                    throw new IllegalArgumentException("call id must be >= 0, got " + rc.callId());
                }
                size += Varints.size(rc.callId()) + sized(rc.response().size());
            }
        }
        TreeMap<String, Bytes> app = null;
        byte[][] handlerNames = null;
        if (applicationState != null) {
            app = new TreeMap<>();
            for (Map.Entry<String, Bytes> e : applicationState.entrySet()) {
                app.put(Ids.require("handler name", e.getKey()), Objects.requireNonNull(e.getValue(),
                        "application state"));
            }
            handlerNames = new byte[app.size()][];
            size += Varints.size(app.size());
            int i = 0;
            for (Map.Entry<String, Bytes> e : app.entrySet()) {
                handlerNames[i] = utf8(e.getKey(), "handler name", MAX_ID_BYTES);
                size += sized(handlerNames[i++].length) + sized(e.getValue().size());
            }
        }
        if (size > MAX_ARRAY) {
            throw new MigrationException(MigrationError.STATE_TOO_LARGE, "the delta of session " + delta.sessionId()
                    + " encodes to " + size + " bytes, at most " + MAX_ARRAY + " fit in one array");
        }

        Out out = new Out((int) size);
        out.buf[out.pos++] = FORMAT_VERSION;
        out.bytes(sessionId);
        out.varint(delta.fromVersion());
        out.varint(delta.toVersion());
        out.buf[out.pos++] = (byte) (delta.truncated() ? 1 : 0);
        for (int i = 0; i < changes.size(); i++) {
            SessionChange c = changes.get(i);
            if (c instanceof SessionChange.Put p) {
                out.buf[out.pos++] = PUT;
                out.varint(p.version());
                out.bytes(names[i]);
                out.value(p.value());
            } else if (c instanceof SessionChange.Remove r) {
                out.buf[out.pos++] = REMOVE;
                out.varint(r.version());
                out.bytes(names[i]);
            } else if (c instanceof SessionChange.ResponseCached rc) {
                out.buf[out.pos++] = RESPONSE_CACHED;
                out.varint(rc.version());
                out.varint(rc.callId());
                out.value(rc.response());
            }
        }
        out.buf[out.pos++] = (byte) (app == null ? 0 : 1);
        if (app != null) {
            out.varint(app.size());
            int i = 0;
            for (Bytes value : app.values()) {
                out.bytes(handlerNames[i++]);
                out.varint(value.size());
                value.copyTo(out.buf, out.pos);
                out.pos += value.size();
            }
        }
        if (out.pos != out.buf.length) {
            throw new IllegalStateException("encoded " + out.pos + " bytes, computed " + out.buf.length);
        }
        return out.buf;
    }

    /**
     * Reads what {@link #encode} wrote for session {@code expectedSessionId}.
     *
     * @throws MigrationException {@link MigrationError#STATE_CORRUPTION} when the bytes are not exactly such
     *                            an encoding: another format version or session, truncated, trailing bytes,
     *                            versions out of sequence, an unknown change tag, a length beyond the input
     */
    public static DecodedDelta decode(byte[] bytes, String expectedSessionId) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(expectedSessionId, "expectedSessionId");
        try {
            return read(new WireReader(bytes), expectedSessionId);
        } catch (WireFormatException | IllegalArgumentException e) {
            throw new MigrationException(MigrationError.STATE_CORRUPTION, "delta of session " + expectedSessionId
                    + " (" + bytes.length + " bytes) is malformed: " + e.getMessage());
        }
    }

    private static DecodedDelta read(WireReader in, String expectedSessionId) {
        int format = in.readByte("format version");
        if (format != FORMAT_VERSION) {
            throw new WireFormatException("format version " + format + ", expected " + FORMAT_VERSION);
        }
        String sessionId = Ids.require("session id", in.readString("session id", MAX_ID_BYTES));
        if (!sessionId.equals(expectedSessionId)) {
            throw new WireFormatException("it is the delta of session '" + sessionId + "'");
        }
        long from = version(in.readVarLong("fromVersion"), "fromVersion");
        long to = version(in.readVarLong("toVersion"), "toVersion");
        if (to < from) {
            throw new WireFormatException("toVersion " + to + " is below fromVersion " + from);
        }
        int truncated = in.readByte("truncated flag");
        if (truncated > 1) {
            throw new WireFormatException("truncated flag is " + truncated + ", expected 0 or 1");
        }
        List<SessionChange> changes = List.of();
        if (truncated == 0 && to > from) {
            long count = to - from;
            if (count > in.remaining() / MIN_CHANGE_BYTES) {
                throw new WireFormatException("versions " + from + ".." + to + " need " + count
                        + " changes but only " + in.remaining() + " bytes follow");
            }
            changes = new ArrayList<>((int) count);
            for (long expected = from + 1; expected <= to; expected++) {
                changes.add(change(in, expected));
            }
        }
        SessionDelta delta = new SessionDelta(sessionId, from, to, truncated == 1, changes);
        TreeMap<String, Bytes> app = null;
        int present = in.readByte("application state flag");
        if (present > 1) {
            throw new WireFormatException("application state flag is " + present + ", expected 0 or 1");
        }
        if (present == 1) {
            app = new TreeMap<>();
            int count = in.readVarInt("application state count", in.remaining() / 2);
            String previous = null;
            for (int i = 0; i < count; i++) {
                String name = Ids.require("handler name", in.readString("handler name", MAX_ID_BYTES));
                if (previous != null && previous.compareTo(name) >= 0) {
                    throw new WireFormatException("handler names are not strictly ascending at entry " + i);
                }
                previous = name;
                app.put(name, Bytes.unsafeWrap(in.readLengthPrefixed("application state", MAX_ARRAY)));
            }
        }
        in.requireEnd("the delta");
        return new DecodedDelta(delta, app);
    }

    private static SessionChange change(WireReader in, long expected) {
        int tag = in.readByte("change tag");
        if (tag != PUT && tag != REMOVE && tag != RESPONSE_CACHED) {
            throw new WireFormatException("unknown change tag " + tag + " where version " + expected + " was due");
        }
        long version = version(in.readVarLong("change version"), "change version");
        if (version != expected) {
            throw new WireFormatException("change has version " + version + ", expected " + expected
                    + " (versions must be consecutive)");
        }
        return switch (tag) {
            case PUT -> new SessionChange.Put(version, name(in, version), value(in, "value of change " + version));
            case REMOVE -> new SessionChange.Remove(version, name(in, version));
            default -> new SessionChange.ResponseCached(version, version(in.readVarLong("call id"), "call id"),
                    value(in, "response of change " + version));
        };
    }

    private static String name(WireReader in, long version) {
        return in.readString("attribute name of change " + version, SessionSnapshot.MAX_ATTRIBUTE_NAME_BYTES);
    }

    private static SessionBytes value(WireReader in, String what) {
        int n = in.readVarInt(what + " length", MAX_ARRAY);
        return SessionBytes.copyOf(in.readView(n, what));
    }

    private static long version(long value, String what) {
        if (value < 0) {
            throw new WireFormatException(what + " " + Long.toUnsignedString(value) + " is out of range");
        }
        return value;
    }

    private static long sized(long length) {
        return Varints.size(length) + length;
    }

    /** Strict UTF-8 (an unpaired surrogate is refused, not replaced), at most {@code maxBytes}. */
    private static byte[] utf8(String s, String what, int maxBytes) {
        Objects.requireNonNull(s, what);
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid Unicode (an unpaired surrogate?)");
        }
        if (encoded.remaining() > maxBytes) {
            throw new IllegalArgumentException(what + " is " + encoded.remaining() + " UTF-8 bytes, at most "
                    + maxBytes + " allowed");
        }
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        return out;
    }

    /** The output array, sized exactly in advance. */
    private static final class Out {
        final byte[] buf;
        int pos;

        Out(int size) {
            buf = new byte[size];
        }

        void varint(long value) {
            pos = Varints.put(buf, pos, value);
        }

        void bytes(byte[] b) {
            varint(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void value(SessionBytes b) {
            varint(b.size());
            b.copyTo(buf, pos);
            pos += b.size();
        }
    }
}
