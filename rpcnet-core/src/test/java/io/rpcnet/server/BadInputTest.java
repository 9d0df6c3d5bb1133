package io.rpcnet.server;

import io.rpcnet.protocol.FrameType;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.RawQuicClient;
import io.rpcnet.testing.RawQuicClient.CallResult;
import io.rpcnet.testing.RawQuicClient.RawFrame;
import io.rpcnet.testing.RawQuicClient.RawStream;
import io.rpcnet.testing.RpcFixture;
import io.rpcnet.transport.TransportSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static io.rpcnet.testing.RawQuicClient.call;
import static io.rpcnet.testing.RawQuicClient.concat;
import static io.rpcnet.testing.RawQuicClient.frame;
import static io.rpcnet.testing.RawQuicClient.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Bad bytes from a client, put on the wire by a raw QUIC client: each case checks the exact STATUS the
 * server answers (code and text), that only the offending stream or call is affected (a call in flight
 * on another stream of the same connection and a streaming call of a normal client carry on), and that
 * the server's stream and call counts return to where they were.
 */
@Timeout(30)
class BadInputTest {

    private static final int END = 0x01;
    private static final int DEDICATED = 0x02;
    private static final String JSON = "{\"text\":\"hi\",\"number\":3}";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private RpcFixture rpc;
    private RawQuicClient raw;
    private int baseStreams;
    private int baseCalls;

    @AfterEach
    void stop() {
        if (raw != null) {
            raw.close();
        }
        if (rpc != null) {
            rpc.close();
        }
    }

    /** Starts a server with {@code settings}, a connected normal client and a raw connection with HELLO done. */
    private void start(UnaryOperator<TransportSettings.Builder> settings) {
        // one lane, so the normal client's calls never open another stream and the stream count stays put
        rpc = new RpcFixture(server -> server.settings(settings.apply(TransportSettings.builder()).build()),
                client -> client.settings(TransportSettings.builder().lanes(1).build()));
        assertThat(rpc.echo().ping()).isEqualTo("pong");
        raw = new RawQuicClient(rpc.server.port());
        raw.openControl();
        await().atMost(WAIT).until(() -> rpc.server.activeCalls() == 0);
        baseStreams = rpc.server.openStreams();
        baseCalls = rpc.server.activeCalls();
        assertThat(baseStreams).as("control streams of both clients plus the normal client's lane").isEqualTo(3);
    }

    private void start() {
        start(UnaryOperator.identity());
    }

    // ---- 1. garbage ----

    @Test
    void garbageOnAFreshStreamEndsOnlyThatStream() {
        start();
        Witnesses witnesses = new Witnesses(true);

        RawStream bad = raw.openStream();
        bad.write(new byte[]{0x7F, 0x00, 0x01, 0x05, 'h', 'e', 'l', 'l', 'o'});
        RawFrame answer = bad.nextFrame();
        assertThat(answer.type()).isEqualTo(FrameType.STATUS.code());
        assertThat(answer.callId()).isZero();
        assertThat(answer.flags()).isEqualTo(END);
        assertThat(answer.status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "malformed frame: unknown frame type 0x7f"));
        assertThat(bad.awaitFin()).as("server ends the malformed stream").isTrue();
        assertThat(bad.framesLeft()).isZero();

        assertEchoWorksOnAFreshStream();
        witnesses.assertUnharmed();
        assertBackToBaseline();
    }

    // ---- 2. truncated ----

    @Test
    void streamEndingInsideAFrameIsATruncatedFrame() {
        start();
        Witnesses witnesses = new Witnesses(true);

        byte[] whole = call(raw.nextCallId(), 0, "EchoService/echo");
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);
        RawStream bad = raw.openStream();
        bad.write(cut, true);
        RawFrame answer = bad.nextFrame();
        assertThat(answer.callId()).isZero();
        assertThat(answer.status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "malformed frame: truncated frame: stream ended after " + cut.length + " bytes of an incomplete frame"));
        assertThat(bad.awaitFin()).isTrue();

        // cut inside the header (type and flags only)
        RawStream headerOnly = raw.openStream();
        headerOnly.write(new byte[]{0x01, 0x00}, true);
        assertThat(headerOnly.nextFrame().status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "malformed frame: truncated frame: stream ended after 2 bytes of an incomplete frame"));
        assertThat(headerOnly.awaitFin()).isTrue();

        assertEchoWorksOnAFreshStream();
        witnesses.assertUnharmed();
        assertBackToBaseline();
    }

    // ---- 3. oversized message ----

    @Test
    void oversizedMessageFailsOnlyItsCallAndTheLaneCarriesOn() {
        start(s -> s.maxMessageSize(64 * 1024));
        Witnesses witnesses = new Witnesses(true);
        assertThat(rpc.server.openStreams()).isEqualTo(baseStreams + 2);

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
        assertBackToBaseline();
    }

    @Test
    void clientRefusesToSendAMessageOverTheLimit() {
        // one call at a time per connection: anything that reached this server while the chat below is open
        // would be refused with "too many concurrent calls", so the size error can only come from the client
        TransportSettings limits = TransportSettings.builder().maxMessageSize(64 * 1024).maxConcurrentCalls(1).build();
        rpc = new RpcFixture(server -> server.settings(limits), client -> client.settings(limits));
        EchoService echo = rpc.echo();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        StreamObserver<Message> chat = echo.chat(collector(events));
        chat.onNext(new Message("hold", 1));
        assertThat(poll(events)).isEqualTo(new Message("re: hold", 2));
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
        assertThat(poll(events)).isEqualTo("completed");
        await().atMost(WAIT).until(() -> rpc.server.activeCalls() == 0);
        assertThat(echo.echoBytes(new byte[60_000])).hasSize(60_000);
    }

    // ---- 4. undefined flags ----

    @Test
    void undefinedFlagBitsMakeTheStreamMalformedAndFailItsCalls() {
        start();
        Witnesses witnesses = new Witnesses(true);

        RawStream lane = raw.openStream();
        long open = raw.nextCallId();
        lane.write(call(open, 0, "EchoService/echo"));
        await().atMost(WAIT).until(() -> rpc.server.activeCalls() == baseCalls + 3);
        lane.write(frame(FrameType.MESSAGE.code(), 0x04, open, JSON.getBytes(StandardCharsets.UTF_8)));

        Status expected = Status.of(StatusCode.INVALID_ARGUMENT, "malformed frame: undefined flags 0x04 on MESSAGE frame");
        assertThat(lane.awaitCall(open).status()).as("the call open on the stream").isEqualTo(expected);
        RawFrame streamStatus = lane.nextFrame();
        assertThat(streamStatus.callId()).isZero();
        assertThat(streamStatus.status()).isEqualTo(expected);
        assertThat(lane.awaitFin()).isTrue();

        RawStream fresh = raw.openStream();
        fresh.write(concat(frame(FrameType.CALL.code(), 0x80, raw.nextCallId(), new byte[0])));
        RawFrame answer = fresh.nextFrame();
        assertThat(answer.callId()).isZero();
        assertThat(answer.status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "malformed frame: undefined flags 0x80 on CALL frame"));
        assertThat(fresh.awaitFin()).isTrue();

        assertEchoWorksOnAFreshStream();
        witnesses.assertUnharmed();
        assertBackToBaseline();
    }

    // ---- 5. unknown service / method ----

    @Test
    void unknownServiceAndMethodAreUnimplementedAndTheLaneCarriesOn() {
        start();
        Witnesses witnesses = new Witnesses(true);

        RawStream lane = raw.openStream();
        long service = raw.nextCallId();
        long method = raw.nextCallId();
        lane.write(concat(call(service, END, "Nope/x"), call(method, 0, "EchoService/nope"), message(method, END, JSON)));
        assertThat(lane.awaitCall(service).status()).isEqualTo(Status.of(StatusCode.UNIMPLEMENTED, "unknown service 'Nope'"));
        CallResult unknownMethod = lane.awaitCall(method);
        assertThat(unknownMethod.messages()).isEmpty();
        assertThat(unknownMethod.status()).isEqualTo(Status.of(StatusCode.UNIMPLEMENTED,
                "unknown method 'EchoService/nope': service EchoService has no such method"));

        assertEchoWorksOn(lane, true);
        witnesses.assertUnharmed();
        assertBackToBaseline();
    }

    // ---- 6. undecodable payload ----

    @Test
    void undecodableRequestIsInvalidArgument() {
        start();
        Witnesses witnesses = new Witnesses(true);

        RawStream lane = raw.openStream();
        long id = raw.nextCallId();
        lane.write(concat(call(id, 0, "EchoService/echo"), message(id, END, "{not json")));
        CallResult result = lane.awaitCall(id);
        assertThat(result.messages()).isEmpty();
        assertThat(result.status().code()).isEqualTo(StatusCode.INVALID_ARGUMENT);
        String prefix = "cannot decode the request for EchoService/echo: ";
        assertThat(result.status().message()).startsWith(prefix).hasSizeGreaterThan(prefix.length() + 10)
                .doesNotContain("\tat ");

        assertEchoWorksOn(lane, true);
        witnesses.assertUnharmed();
        assertBackToBaseline();
    }

    // ---- 7. handler exception ----

    @Test
    void handlerExceptionIsInternalWithClassAndMessageButNoStackTrace() {
        start();
        Witnesses witnesses = new Witnesses(true);

        RawStream lane = raw.openStream();
        long id = raw.nextCallId();
        lane.write(concat(call(id, 0, "EchoService/fail"), message(id, END, "\"state\"")));
        CallResult result = lane.awaitCall(id);
        assertThat(result.messages()).isEmpty();
        String text = "IllegalStateException: handler broke";
        assertThat(result.status()).isEqualTo(Status.of(StatusCode.INTERNAL, text));
        // exact wire bytes: STATUS, flags END, this call id, then code 13, the message, no details, no trailers
        RawFrame status = result.statusFrame();
        assertThat(status.type()).isEqualTo(0x04);
        assertThat(status.flags()).isEqualTo(END);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(13);
        payload.write(text.length());
        payload.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        payload.write(0);
        payload.write(0);
        assertThat(status.payload()).isEqualTo(payload.toByteArray());

        long other = raw.nextCallId();
        long rpcError = raw.nextCallId();
        lane.write(concat(call(other, 0, "EchoService/fail"), message(other, END, "\"whatever\""),
                call(rpcError, 0, "EchoService/fail"), message(rpcError, END, "\"rpc\"")));
        Status otherStatus = lane.awaitCall(other).status();
        assertThat(otherStatus).isEqualTo(Status.of(StatusCode.INTERNAL, "IllegalArgumentException: bad kind whatever"));
        assertThat(otherStatus.message()).doesNotContain("\tat ");
        assertThat(lane.awaitCall(rpcError).status()).isEqualTo(Status.of(StatusCode.FAILED_PRECONDITION,
                "precondition not met"));

        assertEchoWorksOn(lane, true);
        witnesses.assertUnharmed();
        assertBackToBaseline();
    }

    // ---- 8. malformed CALL payload ----

    @Test
    void badCallPayloadFailsOnlyThatCall() {
        start();
        Witnesses witnesses = new Witnesses(true);

        RawStream lane = raw.openStream();
        long noSlash = raw.nextCallId();
        long trailing = raw.nextCallId();
        long truncatedField = raw.nextCallId();
        long badKey = raw.nextCallId();
        long emptyMethod = raw.nextCallId();
        byte[] validPayload = callPayload("EchoService/echo", new byte[]{0x00});
        lane.write(concat(
                call(noSlash, 0, "nope"), message(noSlash, END, JSON), // the MESSAGE of a failed call is ignored
                frame(0x01, END, trailing, concat(validPayload, new byte[]{1, 2, 3})),
                frame(0x01, END, truncatedField, concat(new byte[]{50}, "EchoServi".getBytes(StandardCharsets.US_ASCII))),
                frame(0x01, END, badKey, callPayload("EchoService/echo", concat(new byte[]{1}, str("bad key"), str("v")))),
                frame(0x01, END, emptyMethod, callPayload("EchoService/", new byte[]{0x00}))));

        assertThat(lane.awaitCall(noSlash).status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "malformed method name 'nope': expected Service/method"));
        assertThat(lane.awaitCall(trailing).status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "CALL frame has 3 trailing bytes"));
        assertThat(lane.awaitCall(truncatedField).status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "field length 50 exceeds the 9 bytes left in the frame"));
        assertThat(lane.awaitCall(badKey).status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "metadata key must be printable ASCII: bad key"));
        assertThat(lane.awaitCall(emptyMethod).status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "malformed method name 'EchoService/': expected Service/method"));
        assertThat(lane.isFinReceived()).isFalse();

        assertEchoWorksOn(lane, true);
        assertThat(lane.framesLeft()).as("nothing answered the ignored MESSAGE").isZero();
        witnesses.assertUnharmed();
        assertBackToBaseline();
    }

    // ---- 9. wrong stream kind ----

    @Test
    void callShapeMustMatchTheStreamKind() {
        start();
        Witnesses witnesses = new Witnesses(true);

        RawStream dedicated = raw.openStream();
        long unary = raw.nextCallId();
        dedicated.write(concat(call(unary, DEDICATED, "EchoService/echo"), message(unary, END, JSON)), true);
        CallResult refused = dedicated.awaitCall(unary);
        assertThat(refused.messages()).isEmpty();
        assertThat(refused.status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "EchoService/echo is UNARY and must not use a dedicated stream"));
        assertThat(dedicated.awaitFin()).isTrue();

        RawStream lane = raw.openStream();
        long streaming = raw.nextCallId();
        lane.write(concat(call(streaming, 0, "EchoService/count"), message(streaming, END, JSON)));
        CallResult onLane = lane.awaitCall(streaming);
        assertThat(onLane.messages()).isEmpty();
        assertThat(onLane.status()).isEqualTo(Status.of(StatusCode.INVALID_ARGUMENT,
                "EchoService/count is SERVER_STREAMING and needs a dedicated stream"));

        // the same calls on the right kind of stream work
        RawStream right = raw.openStream();
        long count = raw.nextCallId();
        right.write(concat(call(count, DEDICATED, "EchoService/count"), message(count, END, JSON)), true);
        CallResult counted = right.awaitCall(count);
        assertThat(counted.status()).isEqualTo(Status.OK);
        assertThat(counted.messages()).hasSize(3);
        assertThat(new String(counted.messages().get(2), StandardCharsets.UTF_8)).isEqualTo(JSON);
        assertThat(right.awaitFin()).isTrue();
        assertEchoWorksOn(lane, true);

        witnesses.assertUnharmed();
        assertBackToBaseline();
    }

    // ---- 10. too many concurrent calls ----

    @Test
    void callBeyondTheConcurrencyLimitIsRefusedAndTheOthersComplete() {
        start(s -> s.maxConcurrentCalls(4));
        Witnesses witnesses = new Witnesses(false); // a call on the raw connection would take one of the 4 slots

        RawStream lane = raw.openStream();
        long[] running = {raw.nextCallId(), raw.nextCallId(), raw.nextCallId(), raw.nextCallId()};
        for (long id : running) {
            lane.write(call(id, 0, "EchoService/slow")); // started; the request follows later
        }
        await().atMost(WAIT).until(() -> rpc.server.activeCalls() == baseCalls + 1 + 4);

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
        await().atMost(WAIT).until(() -> rpc.server.activeCalls() == baseCalls + 1);
        assertEchoWorksOn(lane, true); // a slot is free again

        witnesses.assertUnharmed();
        assertBackToBaseline();
    }

    // ---- helpers ----

    /**
     * Calls in flight while the bad input arrives: a unary call on its own stream of the raw connection
     * (CALL sent, request withheld until the end) and a bidirectional stream of the normal client.
     */
    private final class Witnesses {
        private final RawStream lane;
        private final long callId;
        private final BlockingQueue<Object> chatEvents = new LinkedBlockingQueue<>();
        private final StreamObserver<Message> chat;

        Witnesses(boolean rawCall) {
            int expectedCalls = baseCalls + 1;
            if (rawCall) {
                lane = raw.openStream();
                callId = raw.nextCallId();
                lane.write(call(callId, 0, "EchoService/echo"));
                expectedCalls++;
            } else {
                lane = null;
                callId = 0;
            }
            chat = rpc.echo().chat(collector(chatEvents));
            chat.onNext(new Message("before", 1));
            assertThat(poll(chatEvents)).isEqualTo(new Message("re: before", 2));
            int calls = expectedCalls;
            await().atMost(WAIT).until(() -> rpc.server.activeCalls() == calls);
        }

        void assertUnharmed() {
            assertThat(raw.isActive()).as("raw connection").isTrue();
            if (lane != null) {
                String request = "{\"text\":\"witness\",\"number\":7}";
                lane.write(message(callId, END, request), true);
                CallResult result = lane.awaitCall(callId);
                assertThat(result.status()).isEqualTo(Status.OK);
                assertThat(result.onlyMessageText()).isEqualTo(request);
                assertThat(lane.awaitFin()).isTrue();
            }
            chat.onNext(new Message("after", 2));
            assertThat(poll(chatEvents)).isEqualTo(new Message("re: after", 4));
            chat.onCompleted();
            assertThat(poll(chatEvents)).isEqualTo("completed");
            assertThat(rpc.echo().ping()).isEqualTo("pong");
        }
    }

    private void assertEchoWorksOnAFreshStream() {
        assertEchoWorksOn(raw.openStream(), true);
    }

    /** A valid echo call on {@code stream}; with {@code fin} the client ends the stream and expects the server to. */
    private void assertEchoWorksOn(RawStream stream, boolean fin) {
        long id = raw.nextCallId();
        stream.write(concat(call(id, 0, "EchoService/echo"), message(id, END, JSON)), fin);
        CallResult result = stream.awaitCall(id);
        assertThat(result.status()).isEqualTo(Status.OK);
        assertThat(result.onlyMessageText()).isEqualTo(JSON);
        if (fin) {
            assertThat(stream.awaitFin()).as("server ends the stream after the client did").isTrue();
        }
    }

    private void assertBackToBaseline() {
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(rpc.server.activeCalls()).as("active calls").isEqualTo(baseCalls);
            assertThat(rpc.server.openStreams()).as("open streams").isEqualTo(baseStreams);
        });
        assertThat(raw.isActive()).isTrue();
        assertThat(rpc.server.activeConnections()).isEqualTo(2);
    }

    /** A CALL payload: method, no deadline, no session, then {@code metadata} as given (raw bytes). */
    private static byte[] callPayload(String method, byte[] metadata) {
        return concat(str(method), new byte[]{0x00}, str(""), metadata);
    }

    private static byte[] str(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 63) {
            throw new IllegalArgumentException("keep test strings short");
        }
        return concat(new byte[]{(byte) utf8.length}, utf8);
    }

    private static StreamObserver<Message> collector(BlockingQueue<Object> events) {
        return new StreamObserver<>() {
            @Override
            public void onNext(Message value) {
                events.add(value);
            }

            @Override
            public void onError(Throwable error) {
                events.add(error);
            }

            @Override
            public void onCompleted() {
                events.add("completed");
            }
        };
    }

    private static Object poll(BlockingQueue<Object> events) {
        try {
            Object event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("stream event within " + WAIT).isNotNull();
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
