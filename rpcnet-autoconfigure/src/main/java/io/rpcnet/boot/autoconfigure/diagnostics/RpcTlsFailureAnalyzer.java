package io.rpcnet.boot.autoconfigure.diagnostics;

import io.rpcnet.boot.autoconfigure.tls.InvalidTlsConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a startup failure caused by a TLS property pointing at unusable material. */
public final class RpcTlsFailureAnalyzer extends AbstractFailureAnalyzer<InvalidTlsConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidTlsConfigurationException cause) {
        return new FailureAnalysis("RpcNet TLS is misconfigured: " + cause.getMessage(),
                "Check '" + cause.property() + "' and the SSL bundle it names (spring.ssl.bundle.pem.<name> or "
                        + "spring.ssl.bundle.jks.<name>): the files must exist and be readable.", cause);
    }
}
