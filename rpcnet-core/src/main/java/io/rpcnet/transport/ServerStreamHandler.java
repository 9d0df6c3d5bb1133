package io.rpcnet.transport;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.rpcnet.protocol.Frame;
import io.rpcnet.protocol.FrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Feeds one stream's decoded frames to its connection; one instance per stream. */
final class ServerStreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ServerStreamHandler.class);

    private final ServerConnection connection;
    private StreamContext stream;

    ServerStreamHandler(ServerConnection connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stream = new StreamContext((QuicStreamChannel) ctx.channel());
        connection.onStreamOpened(stream);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Frame frame) {
            connection.onFrame(stream, frame);
        } else if (msg instanceof FrameDecoder.Oversized oversized) {
            connection.onOversized(stream, oversized);
        } else if (msg instanceof FrameDecoder.Malformed malformed) {
            connection.onMalformed(stream, malformed.reason());
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
            connection.onInputClosed(stream);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            for (CallBase call : stream.calls()) {
                call.signalReady();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.onStreamClosed(stream);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("stream {} of {} failed: {}", stream.channel().streamId(), connection.remoteAddress(),
                cause.toString());
        ctx.close();
    }
}
