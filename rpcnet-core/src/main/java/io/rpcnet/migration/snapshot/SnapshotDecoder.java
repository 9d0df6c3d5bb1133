package io.rpcnet.migration.snapshot;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.internal.Ids;
import io.rpcnet.migration.internal.WireFormatException;
import io.rpcnet.migration.internal.WireReader;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Parses the {@link SnapshotCodec} form incrementally: bytes are {@linkplain #feed fed} as chunks arrive
 * and decompress, in pieces of any size, and each value is copied once, from the decompressed chunk into
 * its final array. Memory is the snapshot being built plus a few bytes of state, whatever the chunking.
 *
 * <p>Every length is checked against the bytes the stream still declares before anything is allocated,
 * names and ids must be strictly ascending (the canonical form), and the CRC32C trailer must match; the
 * snapshot is only handed out by {@link #finish()} after all of that. Any violation is a
 * {@link MigrationError#STATE_CORRUPTION} and leaves the decoder failed. Not thread-safe.
 */
public final class SnapshotDecoder {

    private enum Field { MAGIC, FORMAT, SESSION_LEN, SESSION, SECONDS, NANOS, VERSION, COUNT, NAME_LEN, NAME, ID,
        VALUE_LEN, VALUE, CHECKSUM, DONE }

    private static final int ATTRIBUTES = 0;
    private static final int BUFFERED = 1;
    private static final int APP_STATE = 2;
    private static final byte[] NO_BYTES = new byte[0];

    private final long expectedSize;
    private final String expectedSessionId;
    private final CRC32C crc = new CRC32C();
    private long consumed;
    private Field field = Field.MAGIC;
    private MigrationException failure;

    private final byte[] small = new byte[4];
    private int smallNeed = SnapshotCodec.MAGIC.length;
    private int smallFill;
    private long varValue;
    private int varShift;
    private byte[] target;
    private int targetFill;

    private String sessionId;
    private long seconds;
    private Instant capturedAt;
    private long version;
    private int section;
    private long entriesLeft;
    private String name;
    private String previousName;
    private long id;
    private long previousId;
    private final TreeMap<String, Bytes> attributes = new TreeMap<>();
    private final TreeMap<Long, Bytes> buffered = new TreeMap<>();
    private final TreeMap<String, Bytes> appState = new TreeMap<>();

    /**
     * @param expectedSize      the exact size of the binary form, as declared by the sender (and already
     *                          checked against the receiver's cap)
     * @param expectedSessionId the session the receiver is restoring, or null to accept any
     */
    public SnapshotDecoder(long expectedSize, String expectedSessionId) {
        if (expectedSize < SnapshotCodec.MAGIC.length + 1 + SnapshotCodec.TRAILER_BYTES) {
            throw new MigrationException(MigrationError.STATE_CORRUPTION,
                    "declared snapshot size " + expectedSize + " is smaller than any valid snapshot");
        }
        this.expectedSize = expectedSize;
        this.expectedSessionId = expectedSessionId;
    }

    /** Bytes consumed so far. */
    public long consumed() {
        return consumed;
    }

    /** Feeds the next {@code len} bytes of the binary form. */
    public void feed(byte[] buf, int off, int len) {
        if (failure != null) {
            throw failure;
        }
        if (len > expectedSize - consumed) {
            throw fail("received more than the declared " + expectedSize + " bytes");
        }
        try {
            while (len > 0) {
                Field before = field;
                int n = step(buf, off, len);
                if (before != Field.CHECKSUM) {
                    crc.update(buf, off, n);
                }
                off += n;
                len -= n;
            }
        } catch (MigrationException e) {
            throw e;
        } catch (RuntimeException e) { // defensive: a parsing bug must not look like success
            throw fail("unexpected " + e);
        }
    }

    /** Verifies completeness and returns the snapshot; only after every check has passed. */
    public SessionSnapshot finish() {
        if (failure != null) {
            throw failure;
        }
        if (field != Field.DONE || consumed != expectedSize) {
            throw fail("truncated: " + consumed + " of " + expectedSize + " bytes, stopped in " + field);
        }
        return new SessionSnapshot(sessionId, capturedAt, version, attributes, buffered, appState, expectedSize,
                crc.getValue());
    }

    private int step(byte[] b, int off, int len) {
        switch (field) {
            case MAGIC, FORMAT, CHECKSUM -> {
                int n = Math.min(len, smallNeed - smallFill);
                System.arraycopy(b, off, small, smallFill, n);
                smallFill += n;
                consumed += n;
                if (smallFill == smallNeed) {
                    onSmall();
                }
                return n;
            }
            case SESSION, NAME, VALUE -> {
                int n = Math.min(len, target.length - targetFill);
                System.arraycopy(b, off, target, targetFill, n);
                targetFill += n;
                consumed += n;
                if (targetFill == target.length) {
                    onTarget();
                }
                return n;
            }
            case DONE -> throw fail("trailing bytes after the checksum");
            default -> {
                int v = b[off] & 0xFF;
                consumed++;
                if (varShift > 63 || (varShift == 63 && (v & 0x7E) != 0)) {
                    throw fail(field + " overflows 64 bits");
                }
                varValue |= (long) (v & 0x7F) << varShift;
                if ((v & 0x80) != 0) {
                    varShift += 7;
                    return 1;
                }
                if (v == 0 && varShift > 0) {
                    throw fail(field + " is not minimally encoded");
                }
                long value = varValue;
                varValue = 0;
                varShift = 0;
                onVarint(value);
                return 1;
            }
        }
    }

    /** Bytes still to come before the checksum trailer. */
    private long bodyLeft() {
        return expectedSize - SnapshotCodec.TRAILER_BYTES - consumed;
    }

    private void onVarint(long value) {
        switch (field) {
            case SESSION_LEN -> startTarget(Field.SESSION, checkLength(value, SnapshotCodec.MAX_ID_BYTES, "session id"));
            case SECONDS -> {
                seconds = SnapshotCodec.unzigzag(value);
                field = Field.NANOS;
            }
            case NANOS -> {
                if (value > 999_999_999L) {
                    throw fail("capturedAt nanos " + value + " out of range");
                }
                try {
                    capturedAt = Instant.ofEpochSecond(seconds, value);
                } catch (DateTimeException e) {
                    throw fail("capturedAt out of range: " + seconds + " s");
                }
                field = Field.VERSION;
            }
            case VERSION -> {
                if (value < 0) {
                    throw fail("version exceeds 2^63-1");
                }
                version = value;
                startSection(ATTRIBUTES);
            }
            case COUNT -> {
                if (value < 0 || value > bodyLeft() / 2) {
                    throw fail("entry count " + Long.toUnsignedString(value) + " cannot fit in the " + bodyLeft()
                            + " bytes left");
                }
                entriesLeft = value;
                nextEntry();
            }
            case NAME_LEN -> startTarget(Field.NAME, checkLength(value,
                    section == ATTRIBUTES ? SessionSnapshot.MAX_ATTRIBUTE_NAME_BYTES : SnapshotCodec.MAX_ID_BYTES,
                    section == ATTRIBUTES ? "attribute name" : "handler name"));
            case ID -> {
                if (value < 0 || value <= previousId) {
                    throw fail("buffered ids are not strictly ascending at id " + Long.toUnsignedString(value));
                }
                id = value;
                previousId = value;
                field = Field.VALUE_LEN;
            }
            case VALUE_LEN -> startTarget(Field.VALUE, checkLength(value, Integer.MAX_VALUE - 8, "value"));
            default -> throw new IllegalStateException("not a varint field: " + field);
        }
    }

    private int checkLength(long value, int max, String what) {
        if (value < 0 || value > max || value > bodyLeft()) {
            throw fail(what + " length " + Long.toUnsignedString(value) + " exceeds the limit " + max
                    + " or the " + bodyLeft() + " bytes left");
        }
        return (int) value;
    }

    private void onSmall() {
        switch (field) {
            case MAGIC -> {
                if (!Arrays.equals(small, SnapshotCodec.MAGIC)) {
                    throw fail("not a snapshot (bad magic)");
                }
                startSmall(Field.FORMAT, 1);
            }
            case FORMAT -> {
                if (small[0] != SnapshotCodec.FORMAT_VERSION) {
                    throw fail("unsupported snapshot format version " + (small[0] & 0xFF));
                }
                field = Field.SESSION_LEN;
            }
            case CHECKSUM -> {
                long stored = ((small[0] & 0xFFL) << 24) | ((small[1] & 0xFFL) << 16) | ((small[2] & 0xFFL) << 8)
                        | (small[3] & 0xFFL);
                if (stored != crc.getValue()) {
                    throw fail(String.format("checksum mismatch: stored %08x, computed %08x", stored, crc.getValue()));
                }
                field = Field.DONE;
            }
            default -> throw new IllegalStateException("not a fixed field: " + field);
        }
    }

    private void onTarget() {
        switch (field) {
            case SESSION -> {
                sessionId = decodeId("session id");
                if (expectedSessionId != null && !expectedSessionId.equals(sessionId)) {
                    throw fail("snapshot belongs to session '" + sessionId + "', not '" + expectedSessionId + "'");
                }
                field = Field.SECONDS;
            }
            case NAME -> {
                name = section == APP_STATE ? decodeId("handler name") : utf8("attribute name");
                if (previousName != null && name.compareTo(previousName) <= 0) {
                    throw fail("names are not strictly ascending at '" + name + "'");
                }
                previousName = name;
                field = Field.VALUE_LEN;
            }
            case VALUE -> {
                Bytes value = Bytes.unsafeWrap(target);
                switch (section) {
                    case ATTRIBUTES -> attributes.put(name, value);
                    case BUFFERED -> buffered.put(id, value);
                    default -> appState.put(name, value);
                }
                target = null;
                entriesLeft--;
                nextEntry();
            }
            default -> throw new IllegalStateException("not a bytes field: " + field);
        }
    }

    private String utf8(String what) {
        try {
            return WireReader.decodeUtf8(target, what);
        } catch (WireFormatException e) {
            throw fail(e.getMessage());
        }
    }

    private String decodeId(String what) {
        String s = utf8(what);
        try {
            return Ids.require(what, s);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    private void nextEntry() {
        if (entriesLeft > 0) {
            field = section == BUFFERED ? Field.ID : Field.NAME_LEN;
        } else if (section == APP_STATE) {
            startSmall(Field.CHECKSUM, SnapshotCodec.TRAILER_BYTES);
        } else {
            startSection(section + 1);
        }
    }

    private void startSection(int s) {
        section = s;
        previousName = null;
        previousId = -1;
        field = Field.COUNT;
    }

    private void startSmall(Field f, int need) {
        field = f;
        smallNeed = need;
        smallFill = 0;
    }

    private void startTarget(Field f, int len) {
        field = f;
        target = len == 0 ? NO_BYTES : new byte[len];
        targetFill = 0;
        if (len == 0) {
            onTarget();
        }
    }

    private MigrationException fail(String message) {
        failure = new MigrationException(MigrationError.STATE_CORRUPTION,
                "corrupt snapshot at byte " + consumed + ": " + message);
        return failure;
    }
}
