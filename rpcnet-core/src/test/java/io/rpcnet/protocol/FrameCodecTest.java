package io.rpcnet.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameCodecTest {

    @Test
    void varintsUseTheShortestFormAndReadNonMinimalOnes() {
        long[] values = {0, 63, 64, 16_383, 16_384, (1L << 30) - 1, 1L << 30, Varint.MAX_VALUE};
        int[] sizes = {1, 1, 2, 2, 4, 4, 8, 8};
        for (int i = 0; i < values.length; i++) {
            ByteBuf buf = Unpooled.buffer();
            Varint.write(buf, values[i]);
            assertThat(buf.readableBytes()).as("size of %d", values[i]).isEqualTo(sizes[i]);
            assertThat(Varint.read(buf)).isEqualTo(values[i]);
            buf.release();
        }
        ByteBuf nonMinimal = Unpooled.wrappedBuffer(new byte[]{(byte) 0x80, 0, 0, 5});
        assertThat(Varint.read(nonMinimal)).isEqualTo(5);
        assertThatThrownBy(() -> Varint.size(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Varint.get(Unpooled.wrappedBuffer(new byte[]{(byte) 0x40}), 0)).isEqualTo(Varint.INCOMPLETE);
    }

    @Test
    void callFrameRoundTripsThroughTheDecoderByteByByte() {
        Metadata metadata = new Metadata().put("Trace-Id", "abc").put("tenant", "ü");
        CallHeader header = new CallHeader("Svc/method", 1_500_000, "session-1", metadata);
        ByteBuf out = Unpooled.buffer();
        FrameCodec.writeCall(out, 7, Frame.FLAG_END, header);
        FrameCodec.writeMessage(out, 7, Frame.FLAG_END, new byte[]{1, 2, 3});

        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        while (out.isReadable()) {
            channel.writeInbound(out.readRetainedSlice(1)); // worst case: one byte per read
        }
        out.release();
        Frame call = channel.readInbound();
        Frame message = channel.readInbound();
        assertThat(call.type()).isEqualTo(FrameType.CALL);
        assertThat(call.callId()).isEqualTo(7);
        assertThat(call.hasFlag(Frame.FLAG_END)).isTrue();
        CallHeader decoded = FrameCodec.readCall(call.payload());
        assertThat(decoded.method()).isEqualTo("Svc/method");
        assertThat(decoded.timeoutMicros()).isEqualTo(1_500_000);
        assertThat(decoded.sessionId()).isEqualTo("session-1");
        assertThat(decoded.metadata().asMap()).containsEntry("trace-id", "abc").containsEntry("tenant", "ü");
        assertThat(message.type()).isEqualTo(FrameType.MESSAGE);
        assertThat(message.payload().readableBytes()).isEqualTo(3);
        call.release();
        message.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void statusHelloAndGoAwayRoundTrip() {
        ByteBuf out = Unpooled.buffer();
        FrameCodec.writeStatus(out, 9, new Status(StatusCode.MOVED, "to b", new byte[]{4}),
                new Metadata().put("owner", "worker-b"));
        FrameCodec.writeHello(out, new Hello(1, 0, List.of("gateway", "direct-explicit"), 4096, 10));
        FrameCodec.writeGoAway(out, new GoAway(12, 3000, "bye"));
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        channel.writeInbound(out);
        Frame status = channel.readInbound();
        Metadata trailers = new Metadata();
        assertThat(FrameCodec.readStatus(status.payload(), trailers))
                .isEqualTo(new Status(StatusCode.MOVED, "to b", new byte[]{4}));
        assertThat(trailers.get("owner")).isEqualTo("worker-b");
        Frame hello = channel.readInbound();
        assertThat(FrameCodec.readHello(hello.payload()).migrationModes()).containsExactly("gateway", "direct-explicit");
        Frame goAway = channel.readInbound();
        assertThat(FrameCodec.readGoAway(goAway.payload())).isEqualTo(new GoAway(12, 3000, "bye"));
        status.release();
        hello.release();
        goAway.release();
        channel.finish();
    }

    @Test
    void oversizedMessageIsSkippedAndReportedWithoutLosingFraming() {
        ByteBuf out = Unpooled.buffer();
        FrameCodec.writeMessage(out, 3, 0, new byte[2000]);
        FrameCodec.writeEnd(out, 3);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        channel.writeInbound(out);
        FrameDecoder.Oversized oversized = channel.readInbound();
        assertThat(oversized).isEqualTo(new FrameDecoder.Oversized(3, 2000, 1024));
        Frame end = channel.readInbound();
        assertThat(end.type()).isEqualTo(FrameType.END);
        end.release();
        channel.finish();
    }

    @Test
    void garbageAndTruncationAreReportedOnce() {
        EmbeddedChannel garbage = new EmbeddedChannel(new FrameDecoder(1024));
        garbage.writeInbound(Unpooled.wrappedBuffer(new byte[]{(byte) 0x7f, 1, 2, 3}));
        FrameDecoder.Malformed malformed = garbage.readInbound();
        assertThat(malformed.reason()).isEqualTo("unknown frame type 0x7f");
        garbage.writeInbound(Unpooled.wrappedBuffer(new byte[]{1, 2, 3}));
        assertThat((Object) garbage.readInbound()).isNull();
        garbage.finish();

        EmbeddedChannel truncated = new EmbeddedChannel(new FrameDecoder(1024));
        ByteBuf out = Unpooled.buffer();
        FrameCodec.writeMessage(out, 1, 0, new byte[100]);
        truncated.writeInbound(out.readRetainedSlice(50));
        out.release();
        truncated.finish();
        FrameDecoder.Malformed cut = truncated.readInbound();
        assertThat(cut.reason()).startsWith("truncated frame");

        EmbeddedChannel badFlags = new EmbeddedChannel(new FrameDecoder(1024));
        badFlags.writeInbound(Unpooled.wrappedBuffer(new byte[]{2, (byte) 0x80, 1, 0}));
        assertThat(((FrameDecoder.Malformed) badFlags.readInbound()).reason())
                .isEqualTo("undefined flags 0x80 on MESSAGE frame");
        badFlags.finish();
    }

    @Test
    void malformedCallPayloadsAreInvalidArgument() {
        ByteBuf out = Unpooled.buffer();
        FrameCodec.writeCall(out, 1, 0, new CallHeader("noslash", 0, null, null));
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        channel.writeInbound(out);
        Frame call = channel.readInbound();
        assertThatThrownBy(() -> FrameCodec.readCall(call.payload()))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(StatusCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("expected Service/method");
                });
        call.release();
        channel.finish();
    }
}
