package io.rpcnet.client;

import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.TestTls;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A call's deadline also bounds the QUIC handshake when the server never answers. */
class ConnectDeadlineTest {

    @Test
    void deadlineCutsAHandshakeThatNeverCompletes() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             RpcClient client = RpcClient.builder().target("localhost", silent.getLocalPort()).tls(TestTls.client())
                     .build()) {
            EchoService echo = client.proxy(EchoService.class, CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300)));
            long start = System.nanoTime();
            assertThatThrownBy(echo::ping).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED);
                assertThat(e.wasNotProcessed()).isTrue();
                assertThat(e.getMessage()).contains("connecting");
            });
            // far below the 10 s handshake timeout: the deadline, not the handshake limit, ended the wait
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            CompletableFuture<EchoService.Message> async = echo.echoAsync(new EchoService.Message("x", 1));
            assertThat(async).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(RpcException.class,
                            e -> assertThat(e.code()).isEqualTo(StatusCode.DEADLINE_EXCEEDED));
        }
    }
}
