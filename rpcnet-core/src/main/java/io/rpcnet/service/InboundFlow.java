package io.rpcnet.service;

/** Lets a consumer push back on the transport: pause reading a call's stream, resume later. */
public interface InboundFlow {

    void pause();

    void resume();
}
