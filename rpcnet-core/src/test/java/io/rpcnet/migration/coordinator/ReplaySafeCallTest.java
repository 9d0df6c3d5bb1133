package io.rpcnet.migration.coordinator;

import io.rpcnet.client.CallOptions;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.session.CallIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A unary call repeated with the same call id runs once: the repeat is answered from the session's response
 * cache, on the same worker and after the session moved to another one (the cache travels with it).
 */
class ReplaySafeCallTest {

    private MigrationFixture fixture;

    @AfterEach
    void stop() {
        fixture.close();
    }

    private MigrationFixture.Counter withCallId(String session, long callId) {
        return fixture.client.proxy(MigrationFixture.Counter.class, CallOptions.DEFAULT
                .withTimeout(Duration.ofSeconds(5)).withSessionId(session)
                .withMetadata(CallIds.METADATA_KEY, Long.toString(callId)));
    }

    @Test
    void aRepeatedCallIsAnsweredFromTheCacheEvenAfterAMigration() {
        fixture = new MigrationFixture(2, MigrationSettings.defaults());
        String id = fixture.open(0);
        String first = fixture.owner(id).value();
        assertThat(withCallId(id, 7).increment()).isEqualTo(1);
        assertThat(withCallId(id, 7).increment()).as("the repeat is not executed").isEqualTo(1);
        assertThat(withCallId(id, 8).increment()).isEqualTo(2);
        assertThat(fixture.counter(id).read()).isEqualTo(2);

        String other = MigrationFixture.other(fixture.owner(id)).value();
        assertThat(fixture.coordinator.migrate(id, other, MigrationParty.OPERATOR, "test").outcome()
                .orTimeout(30, TimeUnit.SECONDS).join().completed()).isTrue();
        assertThat(fixture.counter(id).worker()).isNotEqualTo(first);
        assertThat(withCallId(id, 7).increment()).as("cached answer moved with the session").isEqualTo(1);
        assertThat(withCallId(id, 8).increment()).isEqualTo(2);
        assertThat(fixture.counter(id).read()).isEqualTo(2);
        assertThat(withCallId(id, 9).increment()).isEqualTo(3);
        assertThat(fixture.counter(id).increment()).as("calls without an id always run").isEqualTo(4);
    }
}
