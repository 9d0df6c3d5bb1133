package io.rpcnet.interop;

import io.rpcnet.server.RpcServer;
import io.rpcnet.transport.ServerTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.rpcnet.interop.Frame.Cursor;
import io.rpcnet.interop.Frame.Status;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.rpcnet.interop.SpecEncoder.call;
import static io.rpcnet.interop.SpecEncoder.concat;
import static io.rpcnet.interop.SpecEncoder.frame;
import static io.rpcnet.interop.SpecEncoder.hello;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An independent client: the pure-Java QUIC stack kwik plus a frame encoder/decoder written from
 * PROTOCOL.md alone (nothing from io.rpcnet.protocol or io.rpcnet.transport: {@link SpecEncoder},
 * {@link Frame}, {@link FrameReader}), against a real RpcNet server. If the server drifts from the written
 * spec, this test fails.
 */
@Timeout(60)
class KwikInteropTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The service under test; its simple name makes the wire method {@code Greeter/greet}. */
    public interface Greeter {
        GreetReply greet(GreetRequest request);
    }

    public record GreetRequest(String name) {
    }

    public record GreetReply(String greeting) {
    }

    public static final class GreeterImpl implements Greeter {
        @Override
        public GreetReply greet(GreetRequest request) {
            return new GreetReply("hello " + request.name());
        }
    }

    private RpcServer server;
    private QuicClientConnection connection;
    private final List<FrameReader> readers = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(ServerTls.fromPem(resource("tls/server.pem"), resource("tls/server.key")))
                .addService(Greeter.class, new GreeterImpl())
                .shutdownGracePeriod(Duration.ofSeconds(2))
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        readers.forEach(FrameReader::stop);
        if (connection != null) {
            connection.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void kwikClientWrittenFromTheSpecCompletesUnaryCalls() throws Exception {
        connection = QuicClientConnection.newBuilder()
                .host("localhost")              // TLS server name, checked against the certificate
                .proxy("127.0.0.1")             // address actually dialled
                .port(server.port())
                .applicationProtocol("rpcnet/1")
                .customTrustManager(Tls13TrustManager.trusting(resource("tls/ca.pem")))
                .socketFactory(address -> new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
                .connectTimeout(Duration.ofSeconds(10))
                .maxIdleTimeout(Duration.ofSeconds(30))
                .build();
        connection.connect();

        // §5.1: control stream, HELLO first; the server answers with its own HELLO on the same stream.
        QuicStream control = connection.createStream(true);
        FrameReader controlIn = reader(control);
        OutputStream controlOut = control.getOutputStream();
        controlOut.write(frame(0x10, 0, 0, hello(List.of("gateway"), 4 * 1024 * 1024, 0)));
        controlOut.flush();

        Frame serverHello = controlIn.next();
        assertThat(serverHello.type).as("server's first control frame").isEqualTo(0x10);
        assertThat(serverHello.callId).isZero();
        Cursor h = serverHello.cursor();
        assertThat(h.varint()).as("HELLO version").isEqualTo(1);
        assertThat(h.varint()).as("HELLO features").isZero();
        long modes = h.varint();
        for (long i = 0; i < modes; i++) {
            h.string();
        }
        assertThat(h.varint()).as("HELLO max_message_size").isEqualTo(4L * 1024 * 1024);
        assertThat(h.varint()).as("HELLO max_concurrent_calls").isEqualTo(2048);
        assertThat(h.remaining()).as("bytes after the HELLO fields").isZero();

        // PING is answered with PONG carrying the same 8 bytes.
        byte[] opaque = HexFormat.of().parseHex("0123456789abcdef");
        controlOut.write(frame(0x11, 0, 0, opaque));
        controlOut.flush();
        Frame pong = controlIn.next();
        assertThat(pong.type).as("answer to PING").isEqualTo(0x12);
        assertThat(pong.callId).isZero();
        assertThat(pong.payload).isEqualTo(opaque);

        // §5.2: a lane; CALL + MESSAGE(END) in one write.
        QuicStream lane = connection.createStream(true);
        FrameReader laneIn = reader(lane);
        OutputStream laneOut = lane.getOutputStream();
        laneOut.write(concat(
                frame(0x01, 0, 1, call("Greeter/greet", 5_000_000, "", Map.of("x-client", "kwik"))),
                frame(0x02, 0x01, 1, "{\"name\":\"kwik\"}".getBytes(StandardCharsets.UTF_8))));
        laneOut.flush();

        Frame reply = laneIn.next();
        assertThat(reply.type).as("first frame for call 1 (MESSAGE)").isEqualTo(0x02);
        assertThat(reply.callId).isEqualTo(1);
        JsonNode body = JSON.readTree(reply.payload);
        assertThat(body.get("greeting").asString()).isEqualTo("hello kwik");
        assertThat(body.size()).isEqualTo(1);

        Status ok = laneIn.next().status();
        assertThat(ok.callId()).isEqualTo(1);
        assertThat(ok.code()).as("STATUS of call 1: %s", ok.message()).isZero();

        // Unknown method on the same lane: STATUS 12 alone. The call id is written non-minimally (§2).
        byte[] callId2 = {0x40, 0x02};
        laneOut.write(concat(
                frame(0x01, 0, callId2, call("Greeter/nope", 0, "", Map.of())),
                frame(0x02, 0x01, callId2, "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8))));
        laneOut.flush();
        Frame second = laneIn.next();
        assertThat(second.type).as("answer to an unknown method must be STATUS alone").isEqualTo(0x04);
        Status unimplemented = second.status();
        assertThat(unimplemented.callId()).isEqualTo(2);
        assertThat(unimplemented.code()).as("UNIMPLEMENTED").isEqualTo(12);
        assertThat(unimplemented.message()).contains("nope");

        // §8: garbage on a third stream: STATUS call_id 0 INVALID_ARGUMENT, then the server FINs that stream.
        QuicStream bad = connection.createStream(true);
        FrameReader badIn = reader(bad);
        try {
            bad.getOutputStream().write(new byte[] {0x7f, 0x00, 0x01, 0x00});
            bad.getOutputStream().flush();
        } catch (IOException reset) {
            // §8: the server answers garbage with STOP_SENDING; it may arrive before our flush returns
            assertThat(reset.getMessage()).contains("reset");
        }
        Status malformed = badIn.next().status();
        assertThat(malformed.callId()).isZero();
        assertThat(malformed.code()).as("INVALID_ARGUMENT").isEqualTo(3);
        assertThat(malformed.message()).startsWith("malformed frame:");
        badIn.awaitEnd();

        // The connection and the lane are unaffected.
        laneOut.write(concat(
                frame(0x01, 0, 3, call("Greeter/greet", 0, "", Map.of())),
                frame(0x02, 0x01, 3, "{\"name\":\"again\"}".getBytes(StandardCharsets.UTF_8))));
        laneOut.flush();
        Frame third = laneIn.next();
        assertThat(third.type).isEqualTo(0x02);
        assertThat(third.callId).isEqualTo(3);
        assertThat(JSON.readTree(third.payload).get("greeting").asString()).isEqualTo("hello again");
        Status ok3 = laneIn.next().status();
        assertThat(ok3.callId()).isEqualTo(3);
        assertThat(ok3.code()).isZero();

        // §5.4: when the client ends a lane and the control stream, the server ends its side too.
        laneOut.close();
        laneIn.awaitEnd();
        controlOut.close();
        controlIn.awaitEnd();
    }

    // ---- helpers ----

    private FrameReader reader(QuicStream stream) {
        FrameReader reader = new FrameReader(stream);
        readers.add(reader);
        return reader;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(KwikInteropTest.class.getClassLoader().getResource(name).toURI());
    }
}
