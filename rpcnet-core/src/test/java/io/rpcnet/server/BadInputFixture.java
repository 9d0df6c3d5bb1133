package io.rpcnet.server;

import io.rpcnet.protocol.Status;
import io.rpcnet.testing.CallResult;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.RawQuicClient;
import io.rpcnet.testing.RawStream;
import io.rpcnet.testing.RpcFixture;
import io.rpcnet.transport.TransportSettings;

import java.time.Duration;
import java.util.function.UnaryOperator;

import static io.rpcnet.testing.FrameBytes.call;
import static io.rpcnet.testing.FrameBytes.concat;
import static io.rpcnet.testing.FrameBytes.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the bad-input tests share, so each can look only at its own bad bytes: a server with a normal
 * client and a raw QUIC connection (HELLO done) put bad bytes on the wire with, the server's stream and
 * call counts before the bad input, and the checks that the connection still serves calls afterwards and
 * that those counts return to where they were. Each test answers one kind of bad input with the exact
 * STATUS (code and text) the server sends; {@link InFlightWitnesses} show that only the offending stream
 * or call is affected.
 */
final class BadInputFixture implements AutoCloseable {

    static final int END = 0x01;
    static final int DEDICATED = 0x02;
    static final String JSON = "{\"text\":\"hi\",\"number\":3}";
    static final Duration WAIT = Duration.ofSeconds(5);

    private RpcFixture rpc;
    private RawQuicClient raw;
    private int baseStreams;
    private int baseCalls;

    /**
     * Starts a server with {@code settings}, a connected normal client and a raw connection with HELLO
     * done; returns the raw connection.
     */
    RawQuicClient start(UnaryOperator<TransportSettings.Builder> settings) {
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
        return raw;
    }

    RawQuicClient start() {
        return start(UnaryOperator.identity());
    }

    RpcServer server() {
        return rpc.server;
    }

    /** The normal client. */
    EchoService echo() {
        return rpc.echo();
    }

    RawQuicClient raw() {
        return raw;
    }

    /** Open streams on the server once both clients were connected and idle. */
    int baseStreams() {
        return baseStreams;
    }

    /** Active calls on the server once both clients were connected and idle. */
    int baseCalls() {
        return baseCalls;
    }

    void assertEchoWorksOnAFreshStream() {
        assertEchoWorksOn(raw.openStream(), true);
    }

    /** A valid echo call on {@code stream}; with {@code fin} the client ends the stream and expects the server to. */
    void assertEchoWorksOn(RawStream stream, boolean fin) {
        long id = raw.nextCallId();
        stream.write(concat(call(id, 0, "EchoService/echo"), message(id, END, JSON)), fin);
        CallResult result = stream.awaitCall(id);
        assertThat(result.status()).isEqualTo(Status.OK);
        assertThat(result.onlyMessageText()).isEqualTo(JSON);
        if (fin) {
            assertThat(stream.awaitFin()).as("server ends the stream after the client did").isTrue();
        }
    }

    void assertBackToBaseline() {
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(rpc.server.activeCalls()).as("active calls").isEqualTo(baseCalls);
            assertThat(rpc.server.openStreams()).as("open streams").isEqualTo(baseStreams);
        });
        assertThat(raw.isActive()).isTrue();
        assertThat(rpc.server.activeConnections()).isEqualTo(2);
    }

    @Override
    public void close() {
        if (raw != null) {
            raw.close();
        }
        if (rpc != null) {
            rpc.close();
        }
    }
}
