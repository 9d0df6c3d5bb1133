package io.rpcnet.cluster;

import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;

/**
 * No ALIVE member matched the filter. An {@link RpcException} with {@link StatusCode#UNAVAILABLE}, so
 * it reaches a remote caller as that status with the same message.
 */
public class NoWorkerAvailableException extends RpcException {

    private final transient TagFilter filter;

    public NoWorkerAvailableException(TagFilter filter) {
        super(StatusCode.UNAVAILABLE, filter.isAny()
                ? "no ALIVE worker in the cluster"
                : "no ALIVE worker matches " + filter);
        this.filter = filter;
    }

    /** The filter nothing matched. */
    public TagFilter filter() {
        return filter;
    }
}
