package io.rpcnet.migration.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.MigrationRequest;
import io.rpcnet.migration.MutableClock;
import io.rpcnet.migration.crypto.KeyRing;
import io.rpcnet.migration.crypto.MigrationKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class MigrationTokenManagerTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MutableClock clock = MutableClock.at("2026-11-02T10:00:00Z");
    private final KeyRing ring = KeyRing.builder().active(MigrationKey.generate("t1", RANDOM))
            .gracePeriod(Duration.ofMinutes(2)).clock(clock).build();
    private final TokenConfig config = TokenConfig.builder().ttl(Duration.ofSeconds(30)).ratePerSecond(2).burst(3)
            .build();
    private final MigrationTokenManager tokens = new MigrationTokenManager(ring, config, clock, RANDOM);

    private MigrationRequest request(String id) {
        return MigrationRequest.builder().migrationId(id).sessionId("sess-1").sourceWorker("worker-a")
                .targetWorker("worker-b").requestedBy(MigrationParty.DIRECTOR).requestedAt(clock.instant()).build();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertError(Runnable r, MigrationError error) {
        return assertThatThrownBy(r::run).isInstanceOf(MigrationException.class)
                .satisfies(e -> assertThat(((MigrationException) e).error()).isEqualTo(error));
    }

    @Test
    void issuesCompactUrlSafeTokensThatVerifyOnce() {
        MigrationRequest req = request("mig-1");
        MigrationToken t = tokens.issue(req);
        assertThat(t.value()).matches("[A-Za-z0-9_-]+").hasSizeLessThan(200);
        assertThat(t.expiresAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(t.toString()).doesNotContain(t.value());

        MigrationToken verified = tokens.verify(t.value(), req);
        assertThat(verified.migrationId()).isEqualTo("mig-1");
        assertThat(verified.source()).isEqualTo("worker-a");
        assertThat(verified.nonce()).isEqualTo(t.nonce());
        assertThat(verified.keyId()).isEqualTo("t1");
    }

    @Test
    void expiredTokensAreTokenExpired() {
        MigrationRequest req = request("mig-1");
        MigrationToken t = tokens.issue(req);
        clock.advance(Duration.ofSeconds(30));
        assertError(() -> tokens.verify(t.value(), req), MigrationError.TOKEN_EXPIRED).hasMessageContaining("expired at");
    }

    @Test
    void replayedTokensAreReplayed() {
        MigrationRequest req = request("mig-1");
        MigrationToken t = tokens.issue(req);
        tokens.verify(t.value(), req);
        assertError(() -> tokens.verify(t.value(), req), MigrationError.REPLAYED).hasMessageContaining("already used");
        clock.advance(Duration.ofSeconds(29));
        assertError(() -> tokens.verify(t.value(), req), MigrationError.REPLAYED);
    }

    @Test
    void forgedTokensAreInvalid() {
        MigrationRequest req = request("mig-1");
        String value = tokens.issue(req).value();
        byte[] raw = Base64.getUrlDecoder().decode(value);
        for (int i = 0; i < raw.length; i++) { // every single-byte change: format, fields, nonce, signature
            byte[] bad = raw.clone();
            bad[i] ^= 0x01;
            String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(bad);
            assertError(() -> tokens.verify(forged, req), MigrationError.INVALID_TOKEN).as("byte %d", i);
        }
        // signed by someone with another key under the same id
        KeyRing attacker = KeyRing.builder().active(MigrationKey.generate("t1", RANDOM)).clock(clock).build();
        String foreign = new MigrationTokenManager(attacker, config, clock, RANDOM).issue(req).value();
        assertError(() -> tokens.verify(foreign, req), MigrationError.INVALID_TOKEN).hasMessageContaining("signature");
        assertError(() -> tokens.verify("", req), MigrationError.INVALID_TOKEN);
        assertError(() -> tokens.verify("!!!", req), MigrationError.INVALID_TOKEN).hasMessageContaining("base64url");
        assertError(() -> tokens.verify("x".repeat(5000), req), MigrationError.INVALID_TOKEN);
        assertError(() -> tokens.verify(value.substring(0, value.length() - 4), req), MigrationError.INVALID_TOKEN);
    }

    @Test
    void tokensBoundToOtherValuesAreInvalid() {
        MigrationRequest req = request("mig-1");
        String value = tokens.issue(req).value();
        assertError(() -> tokens.verify(value, "mig-2", "sess-1", "worker-a", "worker-b"), MigrationError.INVALID_TOKEN)
                .hasMessageContaining("migration 'mig-1', not 'mig-2'");
        assertError(() -> tokens.verify(value, "mig-1", "sess-2", "worker-a", "worker-b"), MigrationError.INVALID_TOKEN);
        assertError(() -> tokens.verify(value, "mig-1", "sess-1", "worker-x", "worker-b"), MigrationError.INVALID_TOKEN);
        assertError(() -> tokens.verify(value, "mig-1", "sess-1", "worker-a", "worker-x"), MigrationError.INVALID_TOKEN);
        // refusals did not consume the token
        assertThat(tokens.verify(value, req).migrationId()).isEqualTo("mig-1");
    }

    @Test
    void aSourceOverItsRateIsRateLimitedUntilTheBucketRefills() {
        for (int i = 0; i < 3; i++) { // the burst
            MigrationRequest req = request("mig-" + i);
            tokens.verify(tokens.issue(req).value(), req);
        }
        MigrationRequest req = request("mig-3");
        MigrationToken t = tokens.issue(req);
        assertError(() -> tokens.verify(t.value(), req), MigrationError.RATE_LIMITED)
                .hasMessageContaining("worker-a").hasMessageContaining("retry in 500 ms");
        // the refused token was not consumed: it works once a permit is back (2/s -> 500 ms)
        clock.advance(Duration.ofMillis(500));
        assertThat(tokens.verify(t.value(), req).migrationId()).isEqualTo("mig-3");
        // another source has its own bucket
        MigrationRequest other = MigrationRequest.builder().migrationId("mig-9").sessionId("s9").sourceWorker("worker-c")
                .targetWorker("worker-b").requestedAt(clock.instant()).build();
        assertThat(tokens.verify(tokens.issue(other).value(), other).source()).isEqualTo("worker-c");
    }

    @Test
    void oldKeyIsAcceptedDuringTheGracePeriodAndRefusedAfter() {
        MigrationRequest r1 = request("mig-1");
        MigrationRequest r2 = request("mig-2");
        MigrationToken a = tokens.issue(r1);
        MigrationToken b = tokens.issue(r2);
        ring.rotate(MigrationKey.generate("t2", RANDOM));
        assertThat(tokens.issue(request("mig-3")).keyId()).isEqualTo("t2");
        assertThat(tokens.verify(a.value(), r1).keyId()).isEqualTo("t1");
        clock.advance(Duration.ofMinutes(2));
        assertError(() -> tokens.verify(b.value(), r2), MigrationError.INVALID_TOKEN).hasMessageContaining("grace");
    }

    @Test
    void timesAreChecked() {
        MutableClock issuerClock = MutableClock.at("2026-11-02T10:00:10Z"); // 10 s ahead, skew allows 5
        MigrationTokenManager issuer = new MigrationTokenManager(ring, config, issuerClock, RANDOM);
        MigrationRequest req = request("mig-1");
        String future = issuer.issue(req).value();
        assertError(() -> tokens.verify(future, req), MigrationError.INVALID_TOKEN).hasMessageContaining("future");
        assertThatThrownBy(() -> tokens.issue("m", "s", "a", "b", Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        TokenConfig longer = TokenConfig.builder().ttl(Duration.ofMinutes(10)).maxTtl(Duration.ofHours(1)).build();
        String tooLong = new MigrationTokenManager(ring, longer, clock, RANDOM)
                .issue("m", "sess-1", "worker-a", "worker-b", Duration.ofMinutes(30)).value();
        assertError(() -> tokens.verify(tooLong, "m", "sess-1", "worker-a", "worker-b"), MigrationError.INVALID_TOKEN)
                .hasMessageContaining("lifetime");
    }

    @Test
    void aFullReplayGuardRefusesInsteadOfForgetting() {
        TokenConfig tiny = TokenConfig.builder().replayCapacity(2).ratePerSecond(100).burst(100).build();
        MigrationTokenManager m = new MigrationTokenManager(ring, tiny, clock, RANDOM);
        for (int i = 0; i < 2; i++) {
            MigrationRequest r = request("mig-" + i);
            m.verify(m.issue(r).value(), r);
        }
        MigrationRequest r = request("mig-x");
        MigrationToken t = m.issue(r);
        assertError(() -> m.verify(t.value(), r), MigrationError.RATE_LIMITED).hasMessageContaining("replay guard");
        clock.advance(tiny.ttl()); // the first two expire and are evicted
        MigrationToken fresh = m.issue(r);
        assertThat(m.verify(fresh.value(), r).migrationId()).isEqualTo("mig-x");
    }
}
