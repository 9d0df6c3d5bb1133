package io.rpcnet.server;

import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.CallResult;
import io.rpcnet.testing.RawQuicClient;
import io.rpcnet.testing.RawStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static io.rpcnet.server.BadInputFixture.DEDICATED;
import static io.rpcnet.server.BadInputFixture.END;
import static io.rpcnet.server.BadInputFixture.JSON;
import static io.rpcnet.testing.FrameBytes.call;
import static io.rpcnet.testing.FrameBytes.concat;
import static io.rpcnet.testing.FrameBytes.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call on the wrong kind of stream (a unary call on a dedicated stream, a streaming call on a lane):
 * INVALID_ARGUMENT for that call, naming its shape; the same calls on the right kind of stream work.
 */
@Timeout(30)
class WrongStreamKindTest {

    private final BadInputFixture wire = new BadInputFixture();

    @AfterEach
    void stop() {
        wire.close();
    }

    @Test
    void callShapeMustMatchTheStreamKind() {
        RawQuicClient raw = wire.start();
        InFlightWitnesses witnesses = new InFlightWitnesses(wire, true);

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
        wire.assertEchoWorksOn(lane, true);

        witnesses.assertUnharmed();
        wire.assertBackToBaseline();
    }
}
