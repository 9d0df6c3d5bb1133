package io.rpcnet.testing;

import io.rpcnet.server.CallContext;
import io.rpcnet.service.Deadline;

/**
 * A second test service that reports what a handler sees in its {@link CallContext}. Register it next to
 * {@link EchoService} with {@code b -> b.addService(ContextProbe.class, new ContextProbe.Impl())}.
 */
public interface ContextProbe {

    /** The handler's remaining deadline in microseconds, or -1 when the call carries no deadline. */
    long remainingDeadlineMicros();

    /** Server side of {@link ContextProbe}. */
    final class Impl implements ContextProbe {
        @Override
        public long remainingDeadlineMicros() {
            Deadline deadline = CallContext.current().deadline();
            return deadline == null ? -1 : deadline.remainingNanos() / 1_000;
        }
    }
}
