package io.rpcnet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A thread that encodes frames while the connection's client closes (its event loop shuts down) must not strand
 * the buffer: the CI leak report of a coordinator call racing the coordinator's close.
 */
@Timeout(30)
class OutboundQueueShutdownTest {

    @Test
    void framesQueuedAfterTheEventLoopShutDownAreReleasedAndReportedNotSent() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        OutboundQueue queue = new OutboundQueue(group.next());
        assertThat(group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await(10, TimeUnit.SECONDS)).isTrue();

        ByteBuf first = PooledByteBufAllocator.DEFAULT.directBuffer(32).writeLong(1);
        assertThatThrownBy(() -> queue.enqueue(new OutboundQueue.Item(null, first, null, false, false)))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status().code()).isEqualTo(StatusCode.UNAVAILABLE);
                    assertThat(e.status().wasNotProcessed()).isTrue();
                    assertThat(e.status().message()).contains("not sent");
                });
        assertThat(first.refCnt()).isZero();

        // later producers do not wait for a run that will never come either
        ByteBuf second = PooledByteBufAllocator.DEFAULT.directBuffer(32).writeLong(2);
        assertThatThrownBy(() -> queue.enqueue(new OutboundQueue.Item(null, second, null, false, false)))
                .isInstanceOf(RpcException.class);
        assertThat(second.refCnt()).isZero();
    }
}
