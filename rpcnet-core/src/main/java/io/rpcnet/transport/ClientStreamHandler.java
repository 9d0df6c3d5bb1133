package io.rpcnet.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.rpcnet.protocol.Frame;
import io.rpcnet.protocol.FrameDecoder;

/** Feeds one client stream's decoded frames to its connection. */
final class ClientStreamHandler extends ChannelInboundHandlerAdapter {

    private final ClientConnection connection;
    private volatile StreamContext stream;

    ClientStreamHandler(ClientConnection connection) {
        this.connection = connection;
    }

    StreamContext stream() {
        return stream;
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
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            connection.onWritable(stream);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.onStreamClosed(stream);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
