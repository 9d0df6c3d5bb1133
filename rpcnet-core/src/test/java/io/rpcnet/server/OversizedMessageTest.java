package io.rpcnet.server;

import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.CallResult;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.RawQuicClient;
import io.rpcnet.testing.RawStream;
import io.rpcnet.testing.RpcFixture;
import io.rpcnet.transport.TransportSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.rpcnet.server.BadInputFixture.END;
import static io.rpcnet.server.BadInputFixture.JSON;
import static io.rpcnet.server.BadInputFixture.WAIT;
import static io.rpcnet.testing.FrameBytes.call;
import static io.rpcnet.testing.FrameBytes.concat;
import static io.rpcnet.testing.FrameBytes.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A message over {@code maxMessageSize}: the server refuses only that call with RESOURCE_EXHAUSTED (without
 * parsing the oversized payload) and the lane carries on; a client with the same limit refuses to send one.
 */
@Timeout(30)
class OversizedMessageTest {

    private final BadInputFixture wire = new BadInputFixture();

    @AfterEach
    void stop() {
        wire.close();
    }

    @Test
    void oversizedMessageFailsOnlyItsCallAndTheLaneCarriesOn() {
        RawQuicClient raw = wire.start(s -> s.maxMessageSize(64 * 1024));
        InFlightWitnesses witnesses = new InFlightWitnesses(wire, true);
        assertThat(wire.server().openStreams()).isEqualTo(wire.baseStreams() + 2);

        RawStream lane = raw.openStream();
        long big = raw.nextCallId();
        long small = raw.nextCallId();
        byte[] oversized = new byte[70_000];
        Arrays.fill(oversized, (byte) 0x7F); // would be "unknown frame type 0x7f" if the server parsed it
        byte[] smallPayload = "after the big one".getBytes(StandardCharsets.UTF_8);
        lane.write(concat(
                call(big, 0, "EchoService/echoBytes"), message(big, END, oversized),
                call(small, 0, "EchoService/echoBytes"), message(small, END, smallPayload)));

        CallResult refused = lane.awaitCall(big);
        assertThat(refused.messages()).isEmpty();
        assertThat(refused.status()).isEqualTo(Status.of(StatusCode.RESOURCE_EXHAUSTED,
                "message of 70000 bytes exceeds the limit of 65536 bytes"));
        CallResult next = lane.awaitCall(small);
        assertThat(next.status()).isEqualTo(Status.OK);
        assertThat(next.messages()).containsExactly(smallPayload);
        assertThat(lane.isFinReceived()).as("the lane stays open").isFalse();

        // and again on the same lane, after the refusal was answered
        long third = raw.nextCallId();
        lane.write(concat(call(third, 0, "EchoService/echo"), message(third, END, JSON)), true);
        CallResult last = lane.awaitCall(third);
        assertThat(last.status()).isEqualTo(Status.OK);
        assertThat(last.onlyMessageText()).isEqualTo(JSON);
        assertThat(lane.awaitFin()).isTrue();

        witnesses.assertUnharmed();
        wire.assertBackToBaseline();
    }

    @Test
    void clientRefusesToSendAMessageOverTheLimit() {
        // one call at a time per connection: anything that reached this server while the chat below is open
        // would be refused with "too many concurrent calls", so the size error can only come from the client
        TransportSettings limits = TransportSettings.builder().maxMessageSize(64 * 1024).maxConcurrentCalls(1).build();
        try (RpcFixture rpc = new RpcFixture(server -> server.settings(limits), client -> client.settings(limits))) {
            EchoService echo = rpc.echo();
            ChatEvents events = new ChatEvents();
            StreamObserver<Message> chat = echo.chat(events);
            chat.onNext(new Message("hold", 1));
            assertThat(events.next()).isEqualTo(new Message("re: hold", 2));
            assertThat(rpc.server.activeCalls()).isEqualTo(1);

            assertThatThrownBy(() -> echo.echoBytes(new byte[70_000])).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
                assertThat(e.status().message()).isEqualTo("message of 70000 bytes exceeds the limit of 65536 bytes");
            });
            // a call that does reach the server now is refused by it, with a different message
            assertThatThrownBy(() -> echo.echoBytes(new byte[10])).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.code()).isEqualTo(StatusCode.RESOURCE_EXHAUSTED);
                assertThat(e.status().message()).startsWith("too many concurrent calls on this connection (limit 1)");
            });

            chat.onCompleted();
            assertThat(events.next()).isEqualTo("completed");
            await().atMost(WAIT).until(() -> rpc.server.activeCalls() == 0);
            assertThat(echo.echoBytes(new byte[60_000])).hasSize(60_000);
        }
    }
}
