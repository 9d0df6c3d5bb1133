package io.rpcnet.client;

/** Lets a streaming caller cancel its call; the cancellation reaches the server's handler. */
public interface ClientCallHandle {

    void cancel(String reason);
}
