package io.rpcnet.director;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;
import io.rpcnet.transport.ClientCallListener;
import io.rpcnet.transport.ClientTransportCall;
import io.rpcnet.transport.InboundMessage;
import io.rpcnet.transport.ServerTransportCall;

import java.util.concurrent.ScheduledExecutorService;

/**
 * One attempt of a {@link ForwardedCall} on one worker: the worker call, its callbacks (handed to the forwarded
 * call, which ignores those of an abandoned attempt) and, for a streaming call, the backpressure relays between
 * the client's and the worker's streams. A MOVED answer makes the forwarded call start a second attempt.
 */
final class WorkerAttempt implements ClientCallListener {

    final MemberId worker;
    /** Set once the call started; guarded by the forwarded call's lock. */
    ClientTransportCall call;
    /** Streaming only (a unary call's messages share a lane; nothing to hold back): the client waits while the worker's stream is full. */
    final BackpressureRelay upstream;
    /** Streaming only: the worker waits while the client's stream is full. */
    final BackpressureRelay downstream;
    private final ForwardedCall owner;

    WorkerAttempt(ForwardedCall owner, MemberId worker, boolean streaming, ServerTransportCall client,
                  ScheduledExecutorService scheduler) {
        this.owner = owner;
        this.worker = worker;
        if (!streaming) {
            this.upstream = null;
            this.downstream = null;
            return;
        }
        this.upstream = new BackpressureRelay(scheduler, owner,
                () -> owner.isCurrent(this) && call != null && !call.isReady(),
                client::pauseInbound, client::resumeInbound);
        this.downstream = new BackpressureRelay(scheduler, owner,
                () -> owner.isCurrent(this) && !client.isReady(),
                () -> call.pauseInbound(), () -> call.resumeInbound());
    }

    @Override
    public void onMessage(InboundMessage message) {
        owner.onWorkerMessage(this, message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        owner.onWorkerClose(this, status, trailers);
    }
}
