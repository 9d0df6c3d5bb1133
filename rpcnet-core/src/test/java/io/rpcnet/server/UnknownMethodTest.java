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
import static io.rpcnet.server.BadInputFixture.JSON;
import static io.rpcnet.testing.FrameBytes.call;
import static io.rpcnet.testing.FrameBytes.concat;
import static io.rpcnet.testing.FrameBytes.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call to a service or method the server does not have: UNIMPLEMENTED for that call alone, naming what
 * is missing, with no MESSAGE; its request is ignored and the lane carries on.
 */
@Timeout(30)
class UnknownMethodTest {

    private final BadInputFixture wire = new BadInputFixture();

    @AfterEach
    void stop() {
        wire.close();
    }

    @Test
    void unknownServiceAndMethodAreUnimplementedAndTheLaneCarriesOn() {
        RawQuicClient raw = wire.start();
        InFlightWitnesses witnesses = new InFlightWitnesses(wire, true);

        RawStream lane = raw.openStream();
        long service = raw.nextCallId();
        long method = raw.nextCallId();
        lane.write(concat(call(service, END, "Nope/x"), call(method, 0, "EchoService/nope"), message(method, END, JSON)));
        assertThat(lane.awaitCall(service).status()).isEqualTo(Status.of(StatusCode.UNIMPLEMENTED, "unknown service 'Nope'"));
        CallResult unknownMethod = lane.awaitCall(method);
        assertThat(unknownMethod.messages()).isEmpty();
        assertThat(unknownMethod.status()).isEqualTo(Status.of(StatusCode.UNIMPLEMENTED,
                "unknown method 'EchoService/nope': service EchoService has no such method"));

        wire.assertEchoWorksOn(lane, true);
        witnesses.assertUnharmed();
        wire.assertBackToBaseline();
    }
}
