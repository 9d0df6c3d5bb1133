package io.rpcnet.boot.sessionclient;

import io.rpcnet.boot.annotation.RpcClient;
import io.rpcnet.service.RpcName;

/** The client's view of the workers' {@code Counter} service, reached through the director's gateway. */
@RpcClient(target = "gateway")
@RpcName("Counter")
public interface GatewayCounter {

    String open();

    long increment();

    String worker();
}
