package io.rpcnet.boot.autoconfigure.tls;

/** A TLS property points at something unusable; names the property so the failure analyzer can say so. */
public final class InvalidTlsConfigurationException extends IllegalStateException {

    private final String property;

    public InvalidTlsConfigurationException(String property, String message) {
        super(property + ": " + message);
        this.property = property;
    }

    public String property() {
        return property;
    }
}
