package io.rpcnet.boot.autoconfigure;

import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Test support: the {@link InvalidRpcPropertyException} a context failed with, wherever it sits in the causes. */
public final class InvalidPropertyFailure {

    private InvalidPropertyFailure() {
    }

    /** Asserts that {@code context} failed because of an invalid property and returns that exception. */
    public static InvalidRpcPropertyException of(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        Throwable t = context.getStartupFailure();
        while (t != null && !(t instanceof InvalidRpcPropertyException)) {
            t = t.getCause();
        }
        assertThat(t).as("cause of %s", context.getStartupFailure()).isInstanceOf(InvalidRpcPropertyException.class);
        return (InvalidRpcPropertyException) t;
    }
}
