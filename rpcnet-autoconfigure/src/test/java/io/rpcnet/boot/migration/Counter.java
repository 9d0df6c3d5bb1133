package io.rpcnet.boot.migration;

/** A stateful service: a counter per session. */
public interface Counter {

    /** Opens a session (announced in the call's trailers); returns its id. */
    String open();

    /** Increments the calling session's counter; returns it. */
    long increment();

    /** The member id of the worker serving the call. */
    String worker();
}
