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

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An independent client: the pure-Java QUIC stack kwik plus a frame encoder/decoder written from
 * PROTOCOL.md alone (nothing from io.rpcnet.protocol or io.rpcnet.transport), against a real RpcNet server.
 * If the server drifts from the written spec, this test fails.
 */
@Timeout(60)
class KwikInteropTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
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
                .customTrustManager(trustManager(resource("tls/ca.pem")))
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
        assertThat(ok.callId).isEqualTo(1);
        assertThat(ok.code).as("STATUS of call 1: %s", ok.message).isZero();

        // Unknown method on the same lane: STATUS 12 alone. The call id is written non-minimally (§2).
        byte[] callId2 = {0x40, 0x02};
        laneOut.write(concat(
                frame(0x01, 0, callId2, call("Greeter/nope", 0, "", Map.of())),
                frame(0x02, 0x01, callId2, "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8))));
        laneOut.flush();
        Frame second = laneIn.next();
        assertThat(second.type).as("answer to an unknown method must be STATUS alone").isEqualTo(0x04);
        Status unimplemented = second.status();
        assertThat(unimplemented.callId).isEqualTo(2);
        assertThat(unimplemented.code).as("UNIMPLEMENTED").isEqualTo(12);
        assertThat(unimplemented.message).contains("nope");

        // §8: garbage on a third stream: STATUS call_id 0 INVALID_ARGUMENT, then the server FINs that stream.
        QuicStream bad = connection.createStream(true);
        FrameReader badIn = reader(bad);
        try {
            bad.getOutputStream().write(new byte[] {0x7f, 0x00, 0x01, 0x00});
            bad.getOutputStream().flush();
        } catch (java.io.IOException reset) {
            // §8: the server answers garbage with STOP_SENDING; it may arrive before our flush returns
            assertThat(reset.getMessage()).contains("reset");
        }
        Status malformed = badIn.next().status();
        assertThat(malformed.callId).isZero();
        assertThat(malformed.code).as("INVALID_ARGUMENT").isEqualTo(3);
        assertThat(malformed.message).startsWith("malformed frame:");
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
        assertThat(ok3.callId).isEqualTo(3);
        assertThat(ok3.code).isZero();

        // §5.4: when the client ends a lane and the control stream, the server ends its side too.
        laneOut.close();
        laneIn.awaitEnd();
        controlOut.close();
        controlIn.awaitEnd();
    }

    // ---- frame encoding, from PROTOCOL.md §2-§4 ----

    static byte[] varint(long value) {
        if (value < 0x40) {
            return new byte[] {(byte) value};
        }
        if (value < 0x4000) {
            return new byte[] {(byte) (0x40 | value >>> 8), (byte) value};
        }
        if (value < 0x4000_0000L) {
            return ByteBuffer.allocate(4).putInt((int) (value | 0x8000_0000L)).array();
        }
        return ByteBuffer.allocate(8).putLong(value | 0xC000_0000_0000_0000L).array();
    }

    static byte[] frame(int type, int flags, long callId, byte[] payload) {
        return frame(type, flags, varint(callId), payload);
    }

    static byte[] frame(int type, int flags, byte[] encodedCallId, byte[] payload) {
        return concat(new byte[] {(byte) type, (byte) flags}, encodedCallId, varint(payload.length), payload);
    }

    static byte[] string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return concat(varint(utf8.length), utf8);
    }

    static byte[] call(String method, long timeoutMicros, String session, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(string(method));
        out.writeBytes(varint(timeoutMicros));
        out.writeBytes(string(session));
        out.writeBytes(varint(metadata.size()));
        new LinkedHashMap<>(metadata).forEach((k, v) -> {
            out.writeBytes(string(k));
            out.writeBytes(string(v));
        });
        return out.toByteArray();
    }

    static byte[] hello(List<String> modes, long maxMessageSize, long maxConcurrentCalls) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(varint(1));
        out.writeBytes(varint(0));
        out.writeBytes(varint(modes.size()));
        modes.forEach(m -> out.writeBytes(string(m)));
        out.writeBytes(varint(maxMessageSize));
        out.writeBytes(varint(maxConcurrentCalls));
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ---- frame decoding ----

    record Status(long callId, long code, String message, byte[] details, Map<String, String> trailers) {
    }

    static final class Frame {
        final int type;
        final int flags;
        final long callId;
        final byte[] payload;

        Frame(int type, int flags, long callId, byte[] payload) {
            this.type = type;
            this.flags = flags;
            this.callId = callId;
            this.payload = payload;
        }

        Cursor cursor() {
            return new Cursor(payload);
        }

        Status status() {
            assertThat(type).as("expected a STATUS frame, got %s", this).isEqualTo(0x04);
            assertThat(flags & 0x01).as("STATUS carries the END flag").isEqualTo(0x01);
            Cursor c = cursor();
            long code = c.varint();
            String message = c.string();
            byte[] details = c.bytes();
            long n = c.varint();
            Map<String, String> trailers = new LinkedHashMap<>();
            for (long i = 0; i < n; i++) {
                trailers.put(c.string(), c.string());
            }
            assertThat(c.remaining()).as("bytes after the STATUS fields").isZero();
            return new Status(callId, code, message, details, trailers);
        }

        @Override
        public String toString() {
            return String.format("frame(type=0x%02x, flags=0x%02x, call=%d, payload=%s)", type, flags, callId,
                    HexFormat.of().formatHex(payload));
        }
    }

    static final class Cursor {
        private final ByteBuffer buf;

        Cursor(byte[] bytes) {
            buf = ByteBuffer.wrap(bytes);
        }

        long varint() {
            int first = buf.get() & 0xFF;
            int length = 1 << (first >>> 6);
            long value = first & 0x3F;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (buf.get() & 0xFF);
            }
            return value;
        }

        byte[] bytes() {
            long n = varint();
            assertThat(n).as("field length").isLessThanOrEqualTo(buf.remaining());
            byte[] out = new byte[(int) n];
            buf.get(out);
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        int remaining() {
            return buf.remaining();
        }
    }

    /** Reads one stream on its own thread; the test takes frames with a timeout. */
    static final class FrameReader implements Runnable {
        private static final Object END = new Object();

        private final InputStream in;
        private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
        private final Thread thread;

        FrameReader(QuicStream stream) {
            this.in = stream.getInputStream();
            this.thread = new Thread(this, "kwik-reader-" + stream.getStreamId());
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            try {
                while (true) {
                    int type = in.read();
                    if (type < 0) {
                        frames.add(END);
                        return;
                    }
                    int flags = readByte();
                    long callId = readVarint();
                    long length = readVarint();
                    if (length > 16 * 1024 * 1024) {
                        throw new IOException("implausible frame length " + length);
                    }
                    byte[] payload = in.readNBytes((int) length);
                    if (payload.length != length) {
                        throw new EOFException("stream ended inside a frame payload");
                    }
                    frames.add(new Frame(type, flags, callId, payload));
                }
            } catch (IOException | RuntimeException e) {
                frames.add(e);
            }
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended inside a frame header");
            }
            return b;
        }

        private long readVarint() throws IOException {
            int first = readByte();
            int length = 1 << (first >>> 6);
            long value = first & 0x3F;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | readByte();
            }
            return value;
        }

        private Object poll() throws InterruptedException {
            Object next = frames.poll(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (next == null) {
                fail("no frame within " + READ_TIMEOUT);
            }
            return next;
        }

        Frame next() throws InterruptedException {
            Object next = poll();
            if (next == END) {
                fail("the server ended the stream where a frame was expected");
            }
            if (next instanceof Exception e) {
                throw new AssertionError("reading the stream failed: " + e, e);
            }
            return (Frame) next;
        }

        /** The server FINs its side: the stream ends cleanly after no further frames. */
        void awaitEnd() throws InterruptedException {
            Object next = poll();
            if (next instanceof Exception e) {
                throw new AssertionError("expected a clean end of stream (FIN), got " + e, e);
            }
            assertThat(next).as("expected the server's FIN, got another frame").isSameAs(END);
        }

        void stop() {
            thread.interrupt();
        }
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

    /**
     * Full PKIX validation against the test CA. kwik's {@code customTrustStore} calls
     * {@code checkServerTrusted(chain, "RSA")}, which makes the JDK demand the keyEncipherment key usage that
     * an ECDSA (TLS 1.3) certificate rightly lacks; TLS 1.3 has no key-exchange-specific auth type, so this
     * passes {@code "UNKNOWN"} as the JDK's own TLS 1.3 client does. kwik still checks the host name itself.
     */
    private static X509TrustManager trustManager(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            ks.setCertificateEntry("rpcnet-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(ks);
        X509TrustManager pkix = (X509TrustManager) factory.getTrustManagers()[0];
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkix.checkClientTrusted(chain, "UNKNOWN");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkix.checkServerTrusted(chain, "UNKNOWN");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return pkix.getAcceptedIssuers();
            }
        };
    }
}
