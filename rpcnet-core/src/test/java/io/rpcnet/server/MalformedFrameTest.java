package io.rpcnet.server;

import io.rpcnet.protocol.FrameType;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.RawFrame;
import io.rpcnet.testing.RawQuicClient;
import io.rpcnet.testing.RawStream;
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
import static io.rpcnet.testing.FrameBytes.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bytes that are not a well-formed frame (unknown type, a stream ending inside a frame, undefined flag
 * bits): the server answers with a stream-level STATUS (call id 0, INVALID_ARGUMENT, "malformed frame: ...")
 * and ends only that stream, failing the calls open on it; the connection carries on.
 */
@Timeout(30)
class MalformedFrameTest {

    private final BadInputFixture wire = new BadInputFixture();

    @AfterEach
    void stop() {
        wire.close();
    }

    @Test
    void garbageOnAFreshStreamEndsOnlyThatStream() {
        RawQuicClient raw = wire.start();
        InFlightWitnesses witnesses = new InFlightWitnesses(wire, true);

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

        wire.assertEchoWorksOnAFreshStream();
        witnesses.assertUnharmed();
        wire.assertBackToBaseline();
    }

    @Test
    void streamEndingInsideAFrameIsATruncatedFrame() {
        RawQuicClient raw = wire.start();
        InFlightWitnesses witnesses = new InFlightWitnesses(wire, true);

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

        wire.assertEchoWorksOnAFreshStream();
        witnesses.assertUnharmed();
        wire.assertBackToBaseline();
    }

    @Test
    void undefinedFlagBitsMakeTheStreamMalformedAndFailItsCalls() {
        RawQuicClient raw = wire.start();
        InFlightWitnesses witnesses = new InFlightWitnesses(wire, true);

        RawStream lane = raw.openStream();
        long open = raw.nextCallId();
        lane.write(call(open, 0, "EchoService/echo"));
        await().atMost(WAIT).until(() -> wire.server().activeCalls() == wire.baseCalls() + 3);
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

        wire.assertEchoWorksOnAFreshStream();
        witnesses.assertUnharmed();
        wire.assertBackToBaseline();
    }
}
