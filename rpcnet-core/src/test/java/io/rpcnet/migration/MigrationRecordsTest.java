package io.rpcnet.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MigrationRecordsTest {

    private static final Instant AT = Instant.parse("2026-11-02T10:00:00Z");

    private static MigrationRequest.Builder valid() {
        return MigrationRequest.builder().migrationId("m").sessionId("s").sourceWorker("a").targetWorker("b")
                .requestedAt(AT);
    }

    @Test
    void requestsAreValidatedAndHaveDefaults() {
        MigrationRequest r = valid().build();
        assertThat(r.requestedBy()).isEqualTo(MigrationParty.DIRECTOR);
        assertThat(r.reason()).isEmpty();
        assertThat(r.deadline()).isEqualTo(AT.plus(MigrationRequest.DEFAULT_TIMEOUT));
        assertThatThrownBy(() -> valid().targetWorker("a").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both 'a'");
        assertThatThrownBy(() -> valid().sessionId(null).build()).hasMessageContaining("sessionId is required");
        assertThatThrownBy(() -> valid().migrationId("x".repeat(300)).build()).hasMessageContaining("at most 256");
        assertThatThrownBy(() -> valid().sourceWorker("a\tb").build()).hasMessageContaining("control character");
        assertThatThrownBy(() -> valid().timeout(Duration.ZERO).build()).hasMessageContaining("timeout");
        assertThatThrownBy(() -> valid().expectedEpoch(-1).build()).hasMessageContaining("expectedEpoch");
        assertThatThrownBy(() -> valid().requestedAt(null).build()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void confirmationsCarryAnErrorExactlyWhenRefused() {
        MigrationRequest r = valid().build();
        MigrationConfirmation ok = MigrationConfirmation.accepted(r, MigrationParty.TARGET_WORKER, 42, 3, AT);
        assertThat(ok.accepted()).isTrue();
        assertThat(ok.failure()).isEmpty();
        MigrationConfirmation no = MigrationConfirmation.refused(r, MigrationParty.TARGET_WORKER,
                new MigrationException(MigrationError.STATE_CORRUPTION, "digest mismatch"), AT);
        assertThat(no.failure()).contains(MigrationError.STATE_CORRUPTION);
        assertThat(no.message()).isEqualTo("STATE_CORRUPTION: digest mismatch");
        assertThatThrownBy(() -> new MigrationConfirmation("m", "s", MigrationParty.SYSTEM, false, -1, -1, AT, null, ""))
                .hasMessageContaining("must say why");
        assertThatThrownBy(() -> new MigrationConfirmation("m", "s", MigrationParty.SYSTEM, true, -1, -1, AT,
                MigrationError.TIMEOUT, "")).hasMessageContaining("carries no error");
    }

    @Test
    void exceptionsCarryTheirError() {
        MigrationException e = new MigrationException(MigrationError.TIMEOUT, "cut-over took 2 s");
        assertThat(e.error()).isEqualTo(MigrationError.TIMEOUT);
        assertThat(e).hasMessage("TIMEOUT: cut-over took 2 s");
        assertThat(MigrationError.values()).contains(MigrationError.INVALID_TOKEN, MigrationError.TOKEN_EXPIRED,
                MigrationError.REPLAYED, MigrationError.RATE_LIMITED, MigrationError.STATE_CORRUPTION,
                MigrationError.TARGET_UNAVAILABLE, MigrationError.SOURCE_UNAVAILABLE, MigrationError.ALREADY_MIGRATING,
                MigrationError.PAUSE_BUDGET_EXCEEDED, MigrationError.TIMEOUT, MigrationError.ABORTED);
    }
}
