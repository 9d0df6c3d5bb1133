package io.rpcnet.boot.autoconfigure.diagnostics;

import io.rpcnet.boot.autoconfigure.tls.MissingServerTlsException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains why the RpcNet server refused to start without TLS and what to configure. */
public final class MissingServerTlsFailureAnalyzer extends AbstractFailureAnalyzer<MissingServerTlsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MissingServerTlsException cause) {
        return new FailureAnalysis("The RpcNet server has @RpcService beans to serve but no TLS configuration; "
                + "RpcNet always uses TLS.",
                "Configure an SSL bundle and point rpcnet.server.ssl.bundle at it, for example:\n"
                        + "  spring.ssl.bundle.pem.rpcnet.keystore.certificate=classpath:server.pem\n"
                        + "  spring.ssl.bundle.pem.rpcnet.keystore.private-key=classpath:server.key\n"
                        + "  rpcnet.server.ssl.bundle=rpcnet\n"
                        + "or, for local development only, set rpcnet.server.ssl.self-signed=true.", cause);
    }
}
