package io.rpcnet.server;

import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.CallResult;
import io.rpcnet.testing.RawQuicClient;
import io.rpcnet.testing.RawStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.rpcnet.server.BadInputFixture.END;
import static io.rpcnet.testing.FrameBytes.call;
import static io.rpcnet.testing.FrameBytes.concat;
import static io.rpcnet.testing.FrameBytes.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request payload the codec cannot decode: INVALID_ARGUMENT for that call, saying why but without a
 * stack trace; the handler never runs and the lane carries on.
 */
@Timeout(30)
class UndecodableRequestTest {

    private final BadInputFixture wire = new BadInputFixture();

    @AfterEach
    void stop() {
        wire.close();
    }

    @Test
    void undecodableRequestIsInvalidArgument() {
        RawQuicClient raw = wire.start();
        InFlightWitnesses witnesses = new InFlightWitnesses(wire, true);

        RawStream lane = raw.openStream();
        long id = raw.nextCallId();
        lane.write(concat(call(id, 0, "EchoService/echo"), message(id, END, "{not json")));
        CallResult result = lane.awaitCall(id);
        assertThat(result.messages()).isEmpty();
        assertThat(result.status().code()).isEqualTo(StatusCode.INVALID_ARGUMENT);
        String prefix = "cannot decode the request for EchoService/echo: ";
        assertThat(result.status().message()).startsWith(prefix).hasSizeGreaterThan(prefix.length() + 10)
                .doesNotContain("\tat ");

        wire.assertEchoWorksOn(lane, true);
        witnesses.assertUnharmed();
        wire.assertBackToBaseline();
    }
}
