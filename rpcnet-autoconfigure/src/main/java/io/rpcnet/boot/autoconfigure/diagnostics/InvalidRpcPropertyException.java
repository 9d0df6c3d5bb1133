package io.rpcnet.boot.autoconfigure.diagnostics;

/** An {@code rpcnet.*} property with a value RpcNet cannot use; names the property, the value and the fix. */
public final class InvalidRpcPropertyException extends IllegalArgumentException {

    private final String property;
    private final Object value;
    private final String reason;

    public InvalidRpcPropertyException(String property, Object value, String reason) {
        super("invalid value '" + value + "' for " + property + ": " + reason);
        this.property = property;
        this.value = value;
        this.reason = reason;
    }

    public String property() {
        return property;
    }

    public Object value() {
        return value;
    }

    public String reason() {
        return reason;
    }
}
