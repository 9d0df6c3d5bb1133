package io.rpcnet.server;

import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.CallResult;
import io.rpcnet.testing.RawQuicClient;
import io.rpcnet.testing.RawStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.rpcnet.server.BadInputFixture.END;
import static io.rpcnet.server.BadInputFixture.WAIT;
import static io.rpcnet.testing.FrameBytes.call;
import static io.rpcnet.testing.FrameBytes.concat;
import static io.rpcnet.testing.FrameBytes.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A call beyond {@code maxConcurrentCalls} on one connection: refused as RESOURCE_EXHAUSTED and marked not
 * processed (safe to retry), while the calls already running complete and free their slots.
 */
@Timeout(30)
class ConcurrentCallLimitTest {

    private final BadInputFixture wire = new BadInputFixture();

    @AfterEach
    void stop() {
        wire.close();
    }

    @Test
    void callBeyondTheConcurrencyLimitIsRefusedAndTheOthersComplete() {
        RawQuicClient raw = wire.start(s -> s.maxConcurrentCalls(4));
        // no witness call on the raw connection: it would take one of the 4 slots
        InFlightWitnesses witnesses = new InFlightWitnesses(wire, false);

        RawStream lane = raw.openStream();
        long[] running = {raw.nextCallId(), raw.nextCallId(), raw.nextCallId(), raw.nextCallId()};
        for (long id : running) {
            lane.write(call(id, 0, "EchoService/slow")); // started; the request follows later
        }
        await().atMost(WAIT).until(() -> wire.server().activeCalls() == wire.baseCalls() + 1 + 4);

        long fifth = raw.nextCallId();
        lane.write(concat(call(fifth, 0, "EchoService/slow"), message(fifth, END, "1")));
        CallResult refused = lane.awaitCall(fifth);
        assertThat(refused.messages()).isEmpty();
        assertThat(refused.status()).isEqualTo(Status.notProcessed(StatusCode.RESOURCE_EXHAUSTED,
                "too many concurrent calls on this connection (limit 4); the call was not processed"));
        assertThat(refused.status().wasNotProcessed()).isTrue();

        for (long id : running) {
            lane.write(message(id, END, "20"));
        }
        for (long id : running) {
            CallResult done = lane.awaitCall(id);
            assertThat(done.status()).as("call " + id).isEqualTo(Status.OK);
            assertThat(done.onlyMessageText()).isEqualTo("\"done\"");
        }
        await().atMost(WAIT).until(() -> wire.server().activeCalls() == wire.baseCalls() + 1);
        wire.assertEchoWorksOn(lane, true); // a slot is free again

        witnesses.assertUnharmed();
        wire.assertBackToBaseline();
    }
}
