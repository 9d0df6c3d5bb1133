package io.rpcnet.client;

import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.testing.EchoService;
import io.rpcnet.testing.EchoService.Message;
import io.rpcnet.testing.RpcFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnaryCallTest {

    private RpcFixture rpc;
    private EchoService echo;

    @BeforeEach
    void start() {
        rpc = new RpcFixture();
        echo = rpc.echo();
    }

    @AfterEach
    void stop() {
        rpc.close();
    }

    @Test
    void echoesARecordThroughJson() {
        assertThat(echo.echo(new Message("hello", 42))).isEqualTo(new Message("hello", 42));
    }

    @Test
    void callsWithoutParameters() {
        assertThat(echo.ping()).isEqualTo("pong");
    }

    @Test
    void asyncCallCompletesWithTheServersFutureResult() throws Exception {
        assertThat(echo.echoAsync(new Message("a", 1)).get(5, TimeUnit.SECONDS)).isEqualTo(new Message("a!", 2));
    }

    @Test
    void bytesTravelRaw() {
        byte[] payload = new byte[70_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        assertThat(echo.echoBytes(payload)).isEqualTo(payload);
        assertThat(echo.echoBytes(new byte[0])).isEmpty();
    }

    @Test
    void rpcExceptionKeepsItsStatus() {
        assertThatThrownBy(() -> echo.fail("rpc")).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.FAILED_PRECONDITION);
            assertThat(e.status().message()).isEqualTo("precondition not met");
        });
    }

    @Test
    void otherExceptionsBecomeInternalWithTheirMessageButNoStackTrace() {
        assertThatThrownBy(() -> echo.fail("state")).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.INTERNAL);
            assertThat(e.status().message()).isEqualTo("IllegalStateException: handler broke");
            assertThat(e.status().message()).doesNotContain("\tat ");
        });
        assertThat(echo.ping()).isEqualTo("pong");
    }
}
