package io.rpcnet.boot.cluster;

/** Answers with the member id of the worker that served the call. */
public interface WhoAmI {

    String whoAmI();
}
