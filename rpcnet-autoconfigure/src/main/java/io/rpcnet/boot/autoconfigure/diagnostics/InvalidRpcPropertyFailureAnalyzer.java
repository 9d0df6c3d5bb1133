package io.rpcnet.boot.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a startup failure caused by an unusable {@code rpcnet.*} property value. */
public final class InvalidRpcPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRpcPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRpcPropertyException cause) {
        return new FailureAnalysis("The property '" + cause.property() + "' has the value '" + cause.value()
                + "', which RpcNet cannot use: " + cause.reason() + ".",
                "Change '" + cause.property() + "' in your configuration (" + cause.reason() + ").", cause);
    }
}
