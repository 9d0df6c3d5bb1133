package io.rpcnet.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.rpcnet.protocol.Hello;
import io.rpcnet.protocol.Varint;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.rpcnet.testing.RawQuicClient.TIMEOUT;

/**
 * One client-opened bidirectional stream of a {@link RawQuicClient}: write raw bytes, read the server's
 * frames. Also the stream's Netty handler, which copies what arrives and parses it into {@link RawFrame}s.
 */
public final class RawStream extends ChannelInboundHandlerAdapter {

    private final BlockingQueue<RawFrame> frames = new LinkedBlockingQueue<>();
    private final List<RawFrame> unclaimed = new ArrayList<>();
    private final CountDownLatch finReceived = new CountDownLatch(1);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private volatile String garbage;
    private volatile QuicStreamChannel channel;
    private volatile Hello serverHello;

    RawStream() {
    }

    /** Binds this handler to the stream channel it was created for. */
    void attach(QuicStreamChannel channel) {
        this.channel = channel;
    }

    void serverHello(Hello hello) {
        this.serverHello = hello;
    }

    public long streamId() {
        return channel.streamId();
    }

    /** The server's HELLO, when this is a control stream opened by {@link RawQuicClient#openControl()}. */
    public Hello serverHello() {
        return serverHello;
    }

    public void write(byte[] bytes) {
        write(bytes, false);
    }

    /** Writes {@code bytes} in one STREAM write, with FIN when {@code fin}; waits until it is written. */
    public void write(byte[] bytes, boolean fin) {
        if (!channel.writeAndFlush(new DefaultQuicStreamFrame(Unpooled.wrappedBuffer(bytes), fin))
                .awaitUninterruptibly(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("write on stream " + streamId() + " did not complete");
        }
    }

    /** The next frame the server sent on this stream; fails after {@link RawQuicClient#TIMEOUT}. */
    public RawFrame nextFrame() {
        if (!unclaimed.isEmpty()) {
            return unclaimed.remove(0);
        }
        return poll();
    }

    private RawFrame poll() {
        try {
            RawFrame frame = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame from the server on stream " + streamId() + " within "
                        + TIMEOUT + (garbage != null ? " (unparseable bytes: " + garbage + ")" : "")
                        + (finReceived.getCount() == 0 ? " (stream ended)" : ""));
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /**
     * Reads until the STATUS of {@code callId}, collecting its MESSAGEs; frames of other calls are kept
     * for later reads.
     */
    public CallResult awaitCall(long callId) {
        List<byte[]> messages = new ArrayList<>();
        List<RawFrame> others = new ArrayList<>();
        try {
            while (true) {
                RawFrame frame = unclaimed.isEmpty() ? poll() : unclaimed.remove(0);
                if (frame.callId() != callId) {
                    others.add(frame);
                } else if (frame.isMessage()) {
                    messages.add(frame.payload());
                } else if (frame.isStatus()) {
                    return new CallResult(messages, frame);
                } else {
                    throw new AssertionError("unexpected frame for call " + callId + ": " + frame);
                }
            }
        } finally {
            unclaimed.addAll(0, others);
        }
    }

    /** Frames received but not yet read. */
    public int framesLeft() {
        return unclaimed.size() + frames.size();
    }

    /** Waits for the server's FIN on this stream. */
    public boolean awaitFin() {
        try {
            return finReceived.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isFinReceived() {
        return finReceived.getCount() == 0;
    }

    /** Closes the stream locally (RESET_STREAM / STOP_SENDING if it is not finished). */
    public void close() {
        channel.close().awaitUninterruptibly(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            byte[] bytes = new byte[in.readableBytes()];
            in.readBytes(bytes);
            pending.writeBytes(bytes);
        } finally {
            in.release();
        }
        parse();
    }

    private void parse() {
        byte[] all = pending.toByteArray();
        ByteBuf buf = Unpooled.wrappedBuffer(all);
        try {
            while (buf.readableBytes() >= 2) {
                int start = buf.readerIndex();
                long callId = Varint.get(buf, start + 2);
                if (callId == Varint.INCOMPLETE) {
                    break;
                }
                int lengthAt = start + 2 + Varint.encodedLength(buf, start + 2);
                long length = Varint.get(buf, lengthAt);
                if (length == Varint.INCOMPLETE) {
                    break;
                }
                int payloadAt = lengthAt + Varint.encodedLength(buf, lengthAt);
                if (buf.writerIndex() - payloadAt < length) {
                    break;
                }
                byte[] payload = new byte[(int) length];
                buf.getBytes(payloadAt, payload);
                frames.add(new RawFrame(buf.getUnsignedByte(start), buf.getUnsignedByte(start + 1), callId, payload));
                buf.readerIndex(payloadAt + (int) length);
            }
            pending.reset();
            pending.write(all, buf.readerIndex(), buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
            if (pending.size() > 0) {
                garbage = pending.size() + " bytes";
            }
            finReceived.countDown();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset by the server surfaces here; the tests look at frames, FIN and closure instead
    }
}
