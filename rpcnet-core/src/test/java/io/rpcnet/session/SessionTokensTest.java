package io.rpcnet.session;

import io.rpcnet.session.SessionTokenException.Code;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionTokensTest {

    private static final byte[] KEY_1 = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_2 = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final TestClock clock = new TestClock();
    private final SessionTokens tokens = SessionTokens.builder().key("k1", KEY_1).clock(clock).build();

    @Test
    void validTokenVerifiesWithoutLookup() {
        String token = tokens.issue("sess-1", "worker-a", 4, Duration.ofMinutes(5));
        assertThat(token).startsWith("st1.").matches("[A-Za-z0-9_.-]+");
        SessionTokenClaims claims = tokens.verify(token, 4);
        assertThat(claims).isEqualTo(new SessionTokenClaims("k1", "sess-1", "worker-a", 4,
                clock.instant().plus(Duration.ofMinutes(5))));
        SessionTokens otherNode = SessionTokens.builder().key("k1", KEY_1).clock(clock).build();
        assertThat(otherNode.verify(token)).isEqualTo(claims);
    }

    @Test
    void issuesForASession() {
        RpcSession s = SessionManager.builder("worker-z").clock(clock).build().create();
        SessionTokenClaims claims = tokens.verify(tokens.issue(s, Duration.ofSeconds(30)), s.epoch());
        assertThat(claims.sessionId()).isEqualTo(s.id());
        assertThat(claims.ownerWorkerId()).isEqualTo("worker-z");
    }

    @Test
    void expiredTokenIsRefused() {
        String token = tokens.issue("sess-1", "worker-a", 1, Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(29));
        tokens.verify(token);
        clock.advance(Duration.ofSeconds(1));
        assertCode(() -> tokens.verify(token), Code.EXPIRED);
    }

    @Test
    void staleAndFutureEpochsAreRefused() {
        String token = tokens.issue("sess-1", "worker-a", 3, Duration.ofMinutes(1));
        assertCode(() -> tokens.verify(token, 4), Code.STALE_EPOCH);
        assertCode(() -> tokens.verify(token, 2), Code.FUTURE_EPOCH);
        assertThat(tokens.verify(token, 3).epoch()).isEqualTo(3);
    }

    @Test
    void everyFlippedCharacterIsRefused() {
        String token = tokens.issue("sess-1", "worker-a", 3, Duration.ofMinutes(1));
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            char other = ALPHABET.charAt((ALPHABET.indexOf(c) + 1 + i % 7) % ALPHABET.length());
            String forged = token.substring(0, i) + (c == '.' ? 'A' : other) + token.substring(i + 1);
            assertThatThrownBy(() -> tokens.verify(forged)).as("flipped char %d", i)
                    .isInstanceOfSatisfying(SessionTokenException.class, e -> assertThat(e.code())
                            .isIn(Code.MALFORMED, Code.UNKNOWN_KEY, Code.BAD_SIGNATURE));
        }
    }

    @Test
    void everyFlippedBitOfPayloadAndMacIsRefused() {
        String token = tokens.issue("sess-1", "worker-a", 3, Duration.ofMinutes(1));
        String[] parts = token.split("\\.");
        for (int part = 1; part <= 2; part++) {
            byte[] bytes = Base64.getUrlDecoder().decode(parts[part]);
            for (int bit = 0; bit < bytes.length * 8; bit++) {
                byte[] forged = Arrays.copyOf(bytes, bytes.length);
                forged[bit / 8] ^= (byte) (1 << (bit % 8));
                String[] copy = parts.clone();
                copy[part] = Base64.getUrlEncoder().withoutPadding().encodeToString(forged);
                String f = String.join(".", copy);
                assertThatThrownBy(() -> tokens.verify(f)).isInstanceOfSatisfying(SessionTokenException.class,
                        e -> assertThat(e.code()).isIn(Code.MALFORMED, Code.UNKNOWN_KEY, Code.BAD_SIGNATURE));
            }
        }
    }

    @Test
    void tokenSignedWithAnotherKeyIsForged() {
        SessionTokens attacker = SessionTokens.builder().key("k1", KEY_2).clock(clock).build();
        String token = attacker.issue("sess-1", "worker-evil", 9, Duration.ofMinutes(1));
        assertCode(() -> tokens.verify(token), Code.BAD_SIGNATURE);
    }

    @Test
    void keyRotationKeepsOldTokensValidUntilTheKeyIsRetired() {
        String old = tokens.issue("sess-1", "worker-a", 1, Duration.ofMinutes(1));
        SessionTokens rotated = SessionTokens.builder().key("k1", KEY_1).key("k2", KEY_2).activeKey("k2")
                .clock(clock).build();
        String fresh = rotated.issue("sess-1", "worker-a", 1, Duration.ofMinutes(1));
        assertThat(rotated.verify(old).keyId()).isEqualTo("k1");
        assertThat(rotated.verify(fresh).keyId()).isEqualTo("k2");
        assertCode(() -> tokens.verify(fresh), Code.UNKNOWN_KEY);
        SessionTokens retired = SessionTokens.builder().key("k2", KEY_2).clock(clock).build();
        assertCode(() -> retired.verify(old), Code.UNKNOWN_KEY);
        assertThat(retired.verify(fresh).sessionId()).isEqualTo("sess-1");
    }

    @Test
    void garbageIsMalformed() {
        for (String bad : new String[]{null, "", "st1", "st1..", "st2.AAAA.AAAA", "st1.AAAA.AAAA.AAAA", "st1.!!.AA",
                "st1.AAAA.AAAA", "x".repeat(5000)}) {
            assertCode(() -> tokens.verify(bad), Code.MALFORMED);
        }
    }

    @Test
    void configurationIsChecked() {
        assertThatThrownBy(() -> SessionTokens.builder().key("k", new byte[16]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> SessionTokens.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SessionTokens.builder().key("k", KEY_1).activeKey("other").build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tokens.issue("s", "w", 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Code code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SessionTokenException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).startsWith(code.name());
        });
    }
}
