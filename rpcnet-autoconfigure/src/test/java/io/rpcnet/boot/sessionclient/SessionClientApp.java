package io.rpcnet.boot.sessionclient;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A client-only application in its own package (so the cluster's contexts never scan it): an injected
 * {@link GatewayCounter} proxy of the director's gateway, which tests bind to sessions with
 * {@link io.rpcnet.client.RpcProxies}.
 */
@SpringBootApplication
public class SessionClientApp {
}
