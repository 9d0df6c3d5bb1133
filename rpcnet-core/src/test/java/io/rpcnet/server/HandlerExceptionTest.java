package io.rpcnet.server;

import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.CallResult;
import io.rpcnet.testing.RawFrame;
import io.rpcnet.testing.RawQuicClient;
import io.rpcnet.testing.RawStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static io.rpcnet.server.BadInputFixture.END;
import static io.rpcnet.testing.FrameBytes.call;
import static io.rpcnet.testing.FrameBytes.concat;
import static io.rpcnet.testing.FrameBytes.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler that throws: INTERNAL with the exception's class and message but never a stack trace (checked
 * down to the STATUS bytes on the wire), or the status of an {@code RpcException} as thrown.
 */
@Timeout(30)
class HandlerExceptionTest {

    private final BadInputFixture wire = new BadInputFixture();

    @AfterEach
    void stop() {
        wire.close();
    }

    @Test
    void handlerExceptionIsInternalWithClassAndMessageButNoStackTrace() {
        RawQuicClient raw = wire.start();
        InFlightWitnesses witnesses = new InFlightWitnesses(wire, true);

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

        wire.assertEchoWorksOn(lane, true);
        witnesses.assertUnharmed();
        wire.assertBackToBaseline();
    }
}
