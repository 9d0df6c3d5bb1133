package io.rpcnet.server;

import io.rpcnet.protocol.Status;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.CallResult;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.RawQuicClient;
import io.rpcnet.testing.RawStream;

import static io.rpcnet.server.BadInputFixture.END;
import static io.rpcnet.server.BadInputFixture.WAIT;
import static io.rpcnet.testing.FrameBytes.call;
import static io.rpcnet.testing.FrameBytes.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Calls in flight while the bad input arrives: a unary call on its own stream of the raw connection
 * (CALL sent, request withheld until the end) and a bidirectional stream of the normal client. They show
 * that bad input harms only the offending stream or call, not the rest of the connection or the server.
 */
final class InFlightWitnesses {

    private final BadInputFixture wire;
    private final RawStream lane;
    private final long callId;
    private final ChatEvents chatEvents = new ChatEvents();
    private final StreamObserver<Message> chat;

    /** Starts the witnesses on a started {@code wire}; without {@code rawCall} only the normal client's chat. */
    InFlightWitnesses(BadInputFixture wire, boolean rawCall) {
        this.wire = wire;
        RawQuicClient raw = wire.raw();
        int expectedCalls = wire.baseCalls() + 1;
        if (rawCall) {
            lane = raw.openStream();
            callId = raw.nextCallId();
            lane.write(call(callId, 0, "EchoService/echo"));
            expectedCalls++;
        } else {
            lane = null;
            callId = 0;
        }
        chat = wire.echo().chat(chatEvents);
        chat.onNext(new Message("before", 1));
        assertThat(chatEvents.next()).isEqualTo(new Message("re: before", 2));
        int calls = expectedCalls;
        await().atMost(WAIT).until(() -> wire.server().activeCalls() == calls);
    }

    /** Completes both calls normally and checks the connections still serve calls. */
    void assertUnharmed() {
        assertThat(wire.raw().isActive()).as("raw connection").isTrue();
        if (lane != null) {
            String request = "{\"text\":\"witness\",\"number\":7}";
            lane.write(message(callId, END, request), true);
            CallResult result = lane.awaitCall(callId);
            assertThat(result.status()).isEqualTo(Status.OK);
            assertThat(result.onlyMessageText()).isEqualTo(request);
            assertThat(lane.awaitFin()).isTrue();
        }
        chat.onNext(new Message("after", 2));
        assertThat(chatEvents.next()).isEqualTo(new Message("re: after", 4));
        chat.onCompleted();
        assertThat(chatEvents.next()).isEqualTo("completed");
        assertThat(wire.echo().ping()).isEqualTo("pong");
    }
}
