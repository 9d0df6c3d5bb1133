package io.rpcnet.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.rpcnet.client.RpcClient;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.server.RpcServer;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoServiceImpl;
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.KeyManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS is mandatory and always verified: failures must be refusals with a message that says what went wrong,
 * never a silent fallback, and the name checked must be the one configured.
 */
@Timeout(30)
class TlsFailureTest {

    private final AtomicInteger served = new AtomicInteger();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void clientThatDoesNotTrustTheServersCaFailsWithTheReason() {
        RpcServer server = server(TestTls.server());
        EchoService echo = client(server, ClientTls.trusting(TestTls.file("other-ca.pem")));

        for (int attempt = 0; attempt < 2; attempt++) { // a retry reconnects and fails the same way
            assertUnavailable(echo, message -> assertThat(message)
                    .startsWith("TLS handshake with localhost:" + server.port() + " failed: ")
                    .contains("certificate was not accepted", "not issued by a certificate authority this client trusts")
                    .contains("CERTIFICATE_VERIFY_FAILED")
                    .doesNotContain("timed out"));
        }
        assertThat(served).hasValue(0);
        assertServerStillServesAGoodClient(server);
    }

    @Test
    void certificateForAnotherHostFailsTheHandshake() {
        RpcServer server = server(ServerTls.fromPem(TestTls.file("wrong-host.pem"), TestTls.file("wrong-host.key")));
        EchoService echo = client(server, TestTls.client());

        assertUnavailable(echo, message -> assertThat(message)
                .startsWith("TLS handshake with localhost:" + server.port() + " failed: ")
                .contains("not valid for the server name 'localhost'", "ClientTls.withServerName")
                .doesNotContain("timed out"));
        assertThat(served).hasValue(0);
    }

    @Test
    void verificationUsesTheConfiguredServerName() {
        RpcServer server = server(ServerTls.fromPem(TestTls.file("wrong-host.pem"), TestTls.file("wrong-host.key")));

        // dial localhost (127.0.0.1) but verify the certificate for wrong.example, the name it carries
        EchoService named = client(server, TestTls.client().withServerName("wrong.example"));
        assertThat(named.ping()).isEqualTo("pong");
        assertThat(served).hasValue(1);

        // the name is still checked: another name fails even though the CA is trusted
        EchoService otherName = client(server, TestTls.client().withServerName("other.example"));
        assertUnavailable(otherName, message -> assertThat(message)
                .startsWith("TLS handshake with localhost:" + server.port() + " failed: ")
                .contains("'other.example'"));
        assertThat(served).hasValue(1);
    }

    @Test
    void quicServerThatDoesNotSpeakRpcnetRefusesTheHandshake() throws Exception {
        // a plain QUIC server with a certificate the client trusts, but offering only ALPN "h3"
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        toClose.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS));
        QuicSslContext ssl = QuicSslContextBuilder.forServer(TestTls.file("server.key").toFile(), null,
                TestTls.file("server.pem").toFile()).applicationProtocols("h3").build();
        Channel h3 = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new QuicServerCodecBuilder()
                        .sslContext(ssl)
                        .maxIdleTimeout(5, TimeUnit.SECONDS)
                        .initialMaxData(1 << 20)
                        .initialMaxStreamDataBidirectionalRemote(1 << 16)
                        .initialMaxStreamsBidirectional(4)
                        .handler(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                // the refused handshake (NO_APPLICATION_PROTOCOL) is the point of this server
                            }
                        })
                        .streamHandler(new ChannelInboundHandlerAdapter())
                        .build())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        toClose.add(() -> h3.close().awaitUninterruptibly(2, TimeUnit.SECONDS));
        int port = ((InetSocketAddress) h3.localAddress()).getPort();

        RpcClient client = RpcClient.builder().target("localhost", port).tls(TestTls.client()).build();
        toClose.add(client);
        assertUnavailable(client.proxy(EchoService.class), message -> assertThat(message)
                .isEqualTo("TLS handshake with localhost:" + port + " failed: the server refused the handshake with "
                        + "TLS alert 120 (no_application_protocol: the server does not speak rpcnet/1)"));
    }

    @Test
    void clientWithoutTlsCannotBeBuilt() {
        assertThatThrownBy(() -> RpcClient.builder().target("localhost", 4433).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("requires TLS")
                .hasMessageContaining("tls(ClientTls.trusting(");
    }

    @Test
    void serverWithoutTlsCannotBeBuilt() {
        assertThatThrownBy(() -> RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(EchoService.class, new EchoServiceImpl())
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("requires TLS")
                .hasMessageContaining("tls(ServerTls.fromPem(");
    }

    @Test
    void mutualTlsRefusesClientsWithoutACertificateAndServesThoseWithOne() throws Exception {
        RpcServer server = server(TestTls.server().requireClientCertificates(ClientTls.Trust.pem(TestTls.file("ca.pem"))));

        EchoService anonymous = client(server, TestTls.client());
        for (int attempt = 0; attempt < 2; attempt++) {
            // TLS 1.3: the client's handshake completes before the server checks the (missing) certificate, so
            // the refusal arrives as the server closing the connection right after it
            assertUnavailable(anonymous, message -> assertThat(message).contains(String.valueOf(server.port()))
                    .contains("certificate_required").contains("ClientTls.withIdentity"));
        }
        assertThat(served).as("calls served without a client certificate").hasValue(0);

        EchoService identified = client(server, TestTls.client().withIdentity(identity("server.pem", "server.key")));
        assertThat(identified.ping()).isEqualTo("pong");
        assertThat(served).hasValue(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.activeConnections() == 1);
    }

    // ---- helpers ----

    private RpcServer server(ServerTls tls) {
        RpcServer server = RpcServer.builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .tls(tls)
                .shutdownGracePeriod(Duration.ofSeconds(1))
                .interceptor(invocation -> {
                    served.incrementAndGet();
                    return invocation.proceed();
                })
                .addService(EchoService.class, new EchoServiceImpl())
                .build()
                .start();
        toClose.add(server);
        return server;
    }

    private EchoService client(RpcServer server, ClientTls tls) {
        RpcClient client = RpcClient.builder()
                .target("localhost", server.port())
                .tls(tls)
                .defaultTimeout(Duration.ofSeconds(10))
                .build();
        toClose.add(client);
        return client.proxy(EchoService.class);
    }

    private static void assertUnavailable(EchoService echo, Consumer<String> message) {
        assertThatThrownBy(echo::ping).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
            message.accept(e.status().message());
        });
    }

    private void assertServerStillServesAGoodClient(RpcServer server) {
        int before = served.get();
        assertThat(client(server, TestTls.client()).ping()).isEqualTo("pong");
        assertThat(served).hasValue(before + 1);
    }

    /** A key manager with the PEM certificate chain and PKCS#8 EC key, through an in-memory PKCS12 store. */
    private static KeyManagerFactory identity(String certPem, String keyPem) throws Exception {
        List<Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(TestTls.file(certPem))) {
            chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBody(TestTls.file(keyPem))));
        char[] password = "test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        return kmf;
    }

    private static byte[] pemBody(Path pem) throws Exception {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }
}
