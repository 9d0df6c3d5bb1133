package io.rpcnet.migration.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptionServiceTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final CipherBinding BINDING = new CipherBinding("mig-1", "sess-1");
    private static final int SEG = EncryptionService.SEGMENT_SIZE;

    private final MutableClock clock = MutableClock.at("2026-11-02T10:00:00Z");
    private final KeyRing ring = KeyRing.builder().active(MigrationKey.generate("k1", RANDOM))
            .gracePeriod(Duration.ofMinutes(5)).clock(clock).build();
    private final EncryptionService service = new EncryptionService(ring, RANDOM);

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static AbstractThrowableAssert<?, ? extends Throwable> assertCorrupt(Runnable r) {
        return assertThatThrownBy(r::run).isInstanceOf(MigrationException.class)
                .satisfies(e -> assertThat(((MigrationException) e).error()).isEqualTo(MigrationError.STATE_CORRUPTION));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, SEG - 1, SEG, SEG + 1, 2 * SEG, 3 * SEG + 17, 1024 * 1024 + 5})
    void roundTrips(int size) {
        byte[] plain = data(size);
        byte[] sealed = service.encrypt(plain, BINDING);
        assertThat(sealed.length).isEqualTo(size + service.overhead(size));
        assertThat(service.decrypt(sealed, BINDING)).isEqualTo(plain);
    }

    @Test
    void everyNonceIsFresh() {
        byte[] plain = data(64);
        byte[] a = service.encrypt(plain, BINDING);
        byte[] b = service.encrypt(plain, BINDING);
        int nonceAt = 4 + "k1".length();
        assertThat(Arrays.copyOfRange(a, nonceAt, nonceAt + 12)).isNotEqualTo(Arrays.copyOfRange(b, nonceAt, nonceAt + 12));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void flippingAnySingleByteOfASmallMessageIsStateCorruption() {
        // header (magic, version, key id length, key id), nonce, ciphertext and tag: every byte, three masks
        byte[] sealed = service.encrypt(data(48), BINDING);
        for (int i = 0; i < sealed.length; i++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                byte[] bad = sealed.clone();
                bad[i] ^= (byte) mask;
                int at = i;
                assertCorrupt(() -> service.decrypt(bad, BINDING)).as("byte %d mask %02x", at, mask);
            }
        }
    }

    @Test
    void flippingSampledBytesOfALargeMessageIsStateCorruption() {
        int size = 5 * SEG + 1000;
        byte[] sealed = service.encrypt(data(size), BINDING);
        int header = 4 + 2 + 12;
        Random r = new Random(3);
        java.util.Set<Integer> positions = new java.util.TreeSet<>();
        for (int i = 0; i < header; i++) {
            positions.add(i);
        }
        for (int s = 0; s < 6; s++) { // each segment: first and last ciphertext bytes and every tag byte
            int start = header + s * (SEG + 16);
            int end = Math.min(sealed.length, start + SEG + 16);
            positions.add(start);
            for (int t = end - 16; t < end; t++) {
                positions.add(t - 1 >= start ? t - 1 : t);
                positions.add(t);
            }
        }
        for (int i = 0; i < 300; i++) {
            positions.add(header + r.nextInt(sealed.length - header));
        }
        for (int p : positions) {
            byte[] bad = sealed.clone();
            bad[p] ^= 0x01;
            assertCorrupt(() -> service.decrypt(bad, BINDING)).as("byte %d", p);
        }
    }

    @Test
    void truncatedExtendedOrReorderedSegmentsAreStateCorruption() {
        byte[] sealed = service.encrypt(data(3 * SEG), BINDING);
        int header = 4 + 2 + 12;
        int full = SEG + 16;
        assertCorrupt(() -> service.decrypt(Arrays.copyOf(sealed, header + 2 * full), BINDING)); // dropped last
        assertCorrupt(() -> service.decrypt(Arrays.copyOf(sealed, sealed.length - 1), BINDING));
        assertCorrupt(() -> service.decrypt(Arrays.copyOf(sealed, sealed.length + 16), BINDING));
        assertCorrupt(() -> service.decrypt(Arrays.copyOf(sealed, header + 10), BINDING));
        assertCorrupt(() -> service.decrypt(new byte[0], BINDING));
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, header, swapped, header + full, full);
        System.arraycopy(sealed, header + full, swapped, header, full);
        assertCorrupt(() -> service.decrypt(swapped, BINDING));
    }

    @Test
    void aDifferentBindingOrContextIsStateCorruption() {
        byte[] sealed = service.encrypt(data(1000), 0, 1000, BINDING, new byte[] {1, 2});
        assertThat(service.decrypt(sealed, 0, sealed.length, BINDING, new byte[] {1, 2})).isEqualTo(data(1000));
        assertCorrupt(() -> service.decrypt(sealed, 0, sealed.length, new CipherBinding("mig-1", "sess-2"),
                new byte[] {1, 2})).hasMessageContaining("authentication failed");
        assertCorrupt(() -> service.decrypt(sealed, 0, sealed.length, new CipherBinding("mig-2", "sess-1"),
                new byte[] {1, 2}));
        assertCorrupt(() -> service.decrypt(sealed, 0, sealed.length, BINDING, new byte[] {1, 3}));
        assertCorrupt(() -> service.decrypt(sealed, 0, sealed.length, BINDING, null));
        // ids are length-prefixed: moving characters between them changes the binding
        byte[] a = service.encrypt(data(10), new CipherBinding("ab", "c"));
        assertCorrupt(() -> service.decrypt(a, new CipherBinding("a", "bc")));
    }

    @Test
    void aWrongKeyIsStateCorruption() {
        byte[] sealed = service.encrypt(data(100), BINDING);
        KeyRing otherRing = KeyRing.builder().active(MigrationKey.generate("k1", RANDOM)).clock(clock).build();
        assertCorrupt(() -> new EncryptionService(otherRing).decrypt(sealed, BINDING))
                .hasMessageContaining("authentication failed");
        KeyRing unknown = KeyRing.builder().active(MigrationKey.generate("k9", RANDOM)).clock(clock).build();
        assertCorrupt(() -> new EncryptionService(unknown).decrypt(sealed, BINDING))
                .hasMessageContaining("unknown key id 'k1'");
    }

    @Test
    void previousKeyIsAcceptedDuringTheGracePeriodAndRefusedAfter() {
        byte[] underK1 = service.encrypt(data(2000), BINDING);
        ring.rotate(MigrationKey.generate("k2", RANDOM));
        byte[] underK2 = service.encrypt(data(2000), BINDING);
        assertThat(new String(underK2, 4, 2, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("k2");

        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(service.decrypt(underK1, BINDING)).isEqualTo(data(2000));
        assertThat(ring.acceptedKeyIds()).containsExactly("k1", "k2");

        clock.advance(Duration.ofMillis(1));
        assertCorrupt(() -> service.decrypt(underK1, BINDING)).hasMessageContaining("grace period");
        assertThat(service.decrypt(underK2, BINDING)).isEqualTo(data(2000));
        assertThat(ring.acceptedKeyIds()).containsExactly("k2");
        assertThat(ring.prune()).isEqualTo(1);
        assertCorrupt(() -> service.decrypt(underK1, BINDING)).hasMessageContaining("unknown key id");
    }

    @Test
    void configuredPreviousKeysAndRotationRules() {
        MigrationKey old = MigrationKey.generate("old", RANDOM);
        KeyRing configured = KeyRing.builder().active(MigrationKey.generate("new", RANDOM))
                .previous(old, clock.instant().minusSeconds(30)).gracePeriod(Duration.ofMinutes(1)).clock(clock).build();
        byte[] underOld = new EncryptionService(KeyRing.builder().active(old).clock(clock).build()).encrypt(data(10), BINDING);
        EncryptionService s = new EncryptionService(configured);
        assertThat(s.decrypt(underOld, BINDING)).isEqualTo(data(10));
        clock.advance(Duration.ofSeconds(30));
        assertCorrupt(() -> s.decrypt(underOld, BINDING));
        assertThatThrownBy(() -> configured.rotate(MigrationKey.generate("new", RANDOM)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already in the key ring");
        assertThat(configured.toString()).doesNotContain(old.exportBase64());
    }
}
