package io.rpcnet.migration.internal;

/**
 * Validation of the identifiers that travel in migration messages (migration, session and worker ids,
 * key ids), so that a bad value fails where it is created rather than on the other worker.
 */
public final class Ids {

    /** Longest identifier accepted, in UTF-16 chars (the wire formats use UTF-8, at most 3x this). */
    public static final int MAX_ID_LENGTH = 256;

    private Ids() {
    }

    /**
     * Checks a migration, session or worker id: not blank, at most {@value #MAX_ID_LENGTH} characters, no
     * control characters.
     *
     * @return {@code value}
     * @throws IllegalArgumentException naming {@code what} when the value is unusable
     */
    public static String require(String what, String value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(what + " is " + value.length() + " characters long, at most "
                    + MAX_ID_LENGTH + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " contains a control character at index " + i);
            }
        }
        return value;
    }

    /**
     * Checks a key id: 1 to 64 characters from {@code [A-Za-z0-9._-]}, so it can sit in headers and logs.
     *
     * @return {@code keyId}
     */
    public static String requireKeyId(String keyId) {
        if (keyId == null || keyId.isEmpty() || keyId.length() > 64) {
            throw new IllegalArgumentException("key id must be 1 to 64 characters, got "
                    + (keyId == null ? "null" : keyId.length() + " characters"));
        }
        for (int i = 0; i < keyId.length(); i++) {
            char c = keyId.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("key id may only contain [A-Za-z0-9._-]; the character at index "
                        + i + " is not allowed");
            }
        }
        return keyId;
    }
}
