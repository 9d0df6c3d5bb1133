package io.rpcnet.migration.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MigrationKeyTest {

    @Test
    void acceptsExactly32BytesOfBase64InEitherAlphabet() {
        byte[] material = new byte[32];
        for (int i = 0; i < 32; i++) {
            material[i] = (byte) (i * 7 + 250);
        }
        String std = Base64.getEncoder().encodeToString(material);
        String url = Base64.getUrlEncoder().withoutPadding().encodeToString(material);
        assertThat(MigrationKey.fromBase64("k", std).exportBase64()).isEqualTo(std);
        assertThat(MigrationKey.fromBase64("k", " " + url + "\n").exportBase64()).isEqualTo(std);
        assertThat(MigrationKey.of("k", material).exportBase64()).isEqualTo(std);
    }

    @Test
    void explainsBadKeysWithoutEchoingThem() {
        String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> MigrationKey.fromBase64("prod-1", sixteen))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'prod-1' decodes to 16 bytes; AES-256 needs exactly 32")
                .hasMessageNotContaining(sixteen);
        assertThatThrownBy(() -> MigrationKey.fromBase64("prod-1", "not base64 at all!"))
                .hasMessageContaining("not valid base64").hasMessageNotContaining("at all");
        assertThatThrownBy(() -> MigrationKey.fromBase64("prod-1", "  ")).hasMessageContaining("is empty");
        assertThatThrownBy(() -> MigrationKey.of("k", new byte[31])).hasMessageContaining("must be 32 bytes");
        assertThatThrownBy(() -> MigrationKey.of("bad id", new byte[32])).hasMessageContaining("key id may only contain");
        assertThatThrownBy(() -> MigrationKey.of("x".repeat(65), new byte[32])).hasMessageContaining("1 to 64");
    }

    @Test
    void generatedKeysAreDistinctAndNeverPrinted() {
        SecureRandom r = new SecureRandom();
        MigrationKey a = MigrationKey.generate(r);
        MigrationKey b = MigrationKey.generate(r);
        assertThat(a.id()).matches("k-[0-9a-f]{16}").isNotEqualTo(b.id());
        assertThat(a.exportBase64()).isNotEqualTo(b.exportBase64());
        assertThat(Base64.getDecoder().decode(a.exportBase64())).hasSize(32);
        assertThat(a.toString()).isEqualTo("MigrationKey[id=" + a.id() + "]").doesNotContain(a.exportBase64());
        assertThat(a.aesKey().getAlgorithm()).isEqualTo("AES");
        assertThat(a.hmacKey().getAlgorithm()).isEqualTo("HmacSHA256");
    }
}
