package io.rpcnet.server;

import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.RawQuicClient;
import io.rpcnet.testing.RawStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static io.rpcnet.server.BadInputFixture.END;
import static io.rpcnet.server.BadInputFixture.JSON;
import static io.rpcnet.testing.FrameBytes.call;
import static io.rpcnet.testing.FrameBytes.concat;
import static io.rpcnet.testing.FrameBytes.frame;
import static io.rpcnet.testing.FrameBytes.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A well-framed CALL whose payload is wrong (a method name without {@code Service/method}, trailing bytes,
 * a field longer than the frame, a bad metadata key): INVALID_ARGUMENT for that call alone, saying what is
 * wrong; a MESSAGE for the failed call is ignored and the lane carries on.
 */
@Timeout(30)
class MalformedCallFrameTest {

    private final BadInputFixture wire = new BadInputFixture();

    @AfterEach
    void stop() {
        wire.close();
    }

    @Test
    void badCallPayloadFailsOnlyThatCall() {
        RawQuicClient raw = wire.start();
        InFlightWitnesses witnesses = new InFlightWitnesses(wire, true);

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

        wire.assertEchoWorksOn(lane, true);
        assertThat(lane.framesLeft()).as("nothing answered the ignored MESSAGE").isZero();
        witnesses.assertUnharmed();
        wire.assertBackToBaseline();
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
}
