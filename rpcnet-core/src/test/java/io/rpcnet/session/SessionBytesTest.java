package io.rpcnet.session;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The copy-in / copy-out entry points the migration layer uses to cross into its own byte type. */
class SessionBytesTest {

    @Test
    void copyOfABufferTakesItsRemainingBytesWithoutMovingItAndOwnsItsCopy() {
        byte[] source = {0, 1, 2, 3, 4, 5};
        ByteBuffer buffer = ByteBuffer.wrap(source, 2, 3);
        SessionBytes b = SessionBytes.copyOf(buffer);
        assertThat(b.toByteArray()).containsExactly(2, 3, 4);
        assertThat(buffer.position()).isEqualTo(2);
        assertThat(buffer.remaining()).isEqualTo(3);
        source[2] = 99;
        assertThat(b.toByteArray()).containsExactly(2, 3, 4);
        assertThat(SessionBytes.copyOf(ByteBuffer.allocate(0))).isSameAs(SessionBytes.empty());
        assertThat(SessionBytes.copyOf(ByteBuffer.wrap(source).asReadOnlyBuffer()).size()).isEqualTo(6);
    }

    @Test
    void copyToWritesTheBytesAtTheOffsetAndChecksBoundsFirst() {
        SessionBytes b = SessionBytes.copyOf(new byte[] {7, 8, 9});
        byte[] dst = new byte[5];
        b.copyTo(dst, 1);
        assertThat(dst).containsExactly(0, 7, 8, 9, 0);
        byte[] small = new byte[4];
        assertThatThrownBy(() -> b.copyTo(small, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(small).containsOnly(0); // nothing half-written
    }
}
