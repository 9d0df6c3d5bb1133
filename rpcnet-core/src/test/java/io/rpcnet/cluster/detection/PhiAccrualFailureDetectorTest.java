package io.rpcnet.cluster.detection;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Expected values are worked by hand from the published formula (Akka's logistic approximation):
 * {@code y = (t - mean) / std}, {@code z = y (1.5976 + 0.070566 y^2)}, {@code phi = -log10(e^-z / (1 + e^-z))}.
 */
class PhiAccrualFailureDetectorTest {

    private static final double EPS = 1e-9;
    private static final long MS = 1_000_000L;

    private static PhiAccrualFailureDetector detector(long estimateMs, long minStdMs, long pauseMs, int samples) {
        return new PhiAccrualFailureDetector(PhiAccrualConfig.builder()
                .firstHeartbeatEstimate(Duration.ofMillis(estimateMs))
                .minStdDeviation(Duration.ofMillis(minStdMs))
                .acceptableHeartbeatPause(Duration.ofMillis(pauseMs))
                .maxSampleSize(samples)
                .build());
    }

    @Test
    void formulaMatchesHandCalculation() {
        // y = 0: z = 0, phi = -log10(1/2) = log10 2
        assertThat(PhiAccrualFailureDetector.phi(500, 500, 100)).isCloseTo(0.30102999566398120, within(EPS));
        // y = 2: z = 2 (1.5976 + 0.282264) = 3.759728; phi = (z + ln(1 + e^-z)) / ln 10 = 1.642827885487
        assertThat(PhiAccrualFailureDetector.phi(700, 500, 100)).isCloseTo(1.6428278854871123, within(EPS));
        // y = 4: z = 4 (1.5976 + 1.129056) = 10.906624; phi = 4.736694582705
        assertThat(PhiAccrualFailureDetector.phi(1000, 500, 125)).isCloseTo(4.736694582705181, within(EPS));
        // y = -2: z = -3.759528; phi = log10(1 + e^z) = 0.009998761630
        assertThat(PhiAccrualFailureDetector.phi(250, 500, 125)).isCloseTo(0.009998761629963108, within(EPS));
        // y = 8: z = 8 (1.5976 + 4.516224) = 48.910592; phi = z / ln 10 (the log1p term is ~1e-22) = 21.2416002
        assertThat(PhiAccrualFailureDetector.phi(1500, 500, 125)).isCloseTo(21.241600212221336, within(EPS));
    }

    @Test
    void farTailNeverOverflowsOrGoesNegative() {
        assertThat(PhiAccrualFailureDetector.phi(1e9, 500, 100)).isFinite().isGreaterThan(1e6);
        assertThat(PhiAccrualFailureDetector.phi(-1e9, 500, 100)).isNotNaN().isGreaterThanOrEqualTo(0);
    }

    @Test
    void firstHeartbeatSeedsEstimatePlusMinusQuarter() {
        PhiAccrualFailureDetector d = detector(500, 10, 0, 200);
        assertThat(d.phi(0)).isZero();
        assertThat(d.isAvailable(Long.MAX_VALUE / 2)).isTrue(); // nothing known yet

        d.heartbeat(0);

        // seeds 375 and 625 ms: mean 500, std 125
        assertThat(d.sampleCount()).isEqualTo(2);
        assertThat(d.meanIntervalMillis()).isCloseTo(500, within(EPS));
        assertThat(d.stdDeviationMillis()).isCloseTo(125, within(EPS));
        assertThat(d.phi(500 * MS)).isCloseTo(0.3010299956639812, within(EPS));
        assertThat(d.phi(750 * MS)).isCloseTo(1.6428278854871123, within(EPS));
        assertThat(d.phi(1000 * MS)).isCloseTo(4.736694582705181, within(EPS));
        assertThat(d.isAvailable(1000 * MS)).isTrue();
        assertThat(d.isAvailable(1500 * MS)).isFalse();
    }

    @Test
    void meanAndDeviationFollowSamples() {
        PhiAccrualFailureDetector d = detector(1000, 10, 0, 200);
        d.heartbeat(0);
        d.heartbeat(1000 * MS);

        // samples 750, 1250, 1000: mean 1000, variance (250^2 + 250^2 + 0) / 3 = 41666.67, std 204.124
        assertThat(d.stdDeviationMillis()).isCloseTo(204.1241452319315, within(EPS));
        // silence of 2000 ms: y = 1000 / 204.124 = 4.898979; phi = 7.002322323613
        assertThat(d.phi(3000 * MS)).isCloseTo(7.002322323613088, within(EPS));
        // 1500 ms: y = 2.449490; phi = 2.152999492077
        assertThat(d.phi(2500 * MS)).isCloseTo(2.1529994920767317, within(EPS));
    }

    @Test
    void minimumDeviationAppliesWhenHeartbeatsAreRegular() {
        PhiAccrualFailureDetector d = detector(1000, 100, 0, 2); // window of 2: the seeds roll out
        for (int i = 0; i <= 2; i++) {
            d.heartbeat(i * 1000 * MS);
        }
        assertThat(d.stdDeviationMillis()).isZero();

        long last = 2000 * MS;
        // std clamps to 100: 1100 ms -> y = 1 -> z = 1.668166 -> phi 0.799508320840
        assertThat(d.phi(last + 1100 * MS)).isCloseTo(0.7995083208395598, within(EPS));
        // 1500 ms -> y = 5 -> z = 16.80875 -> phi 7.299947394460
        assertThat(d.phi(last + 1500 * MS)).isCloseTo(7.299947394460206, within(EPS));
    }

    @Test
    void acceptablePauseShiftsTheMean() {
        PhiAccrualFailureDetector d = detector(1000, 100, 300, 2);
        for (int i = 0; i <= 2; i++) {
            d.heartbeat(i * 1000 * MS);
        }
        long last = 2000 * MS;
        // mean 1000 + pause 300: silence of 1300 -> y = 0; 1500 -> y = 2
        assertThat(d.phi(last + 1300 * MS)).isCloseTo(0.3010299956639812, within(EPS));
        assertThat(d.phi(last + 1500 * MS)).isCloseTo(1.6428278854871123, within(EPS));
    }

    @Test
    void intervalAfterUnavailabilityIsNotLearned() {
        PhiAccrualFailureDetector d = detector(500, 100, 0, 200);
        d.heartbeat(0);
        d.heartbeat(500 * MS);
        assertThat(d.sampleCount()).isEqualTo(3);

        long late = 500 * MS + 10_000 * MS; // 10 s of silence: phi far above 8
        assertThat(d.isAvailable(late)).isFalse();
        d.heartbeat(late);

        assertThat(d.sampleCount()).isEqualTo(3);
        assertThat(d.meanIntervalMillis()).isCloseTo(500, within(EPS));
        assertThat(d.phi(late)).isCloseTo(0.0, within(1e-6));
    }

    @Test
    void resetForgetsEverythingAndTimeGoingBackwardsIsHarmless() {
        PhiAccrualFailureDetector d = detector(500, 100, 0, 200);
        d.heartbeat(1000 * MS);
        d.heartbeat(900 * MS); // ignored
        assertThat(d.lastHeartbeatNanos()).isEqualTo(1000 * MS);
        assertThat(d.sampleCount()).isEqualTo(2);
        assertThat(d.phi(0)).isCloseTo(PhiAccrualFailureDetector.phi(0, 500, 125), within(EPS));

        d.reset();

        assertThat(d.hasHeartbeat()).isFalse();
        assertThat(d.sampleCount()).isZero();
        assertThat(d.phi(5000 * MS)).isZero();
    }

    @Test
    void longRunsDoNotDrift() {
        PhiAccrualFailureDetector d = detector(500, 1, 0, 50);
        long t = 0;
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 200_000; i++) {
            t += (400 + r.nextInt(201)) * MS;
            d.heartbeat(t);
        }
        for (int i = 0; i < 50; i++) {
            t += 500 * MS;
            d.heartbeat(t);
        }
        assertThat(d.meanIntervalMillis()).isCloseTo(500, within(1e-6));
        assertThat(d.stdDeviationMillis()).isCloseTo(0, within(1e-3));
    }

    @Test
    void configDefaultsAndValidation() {
        PhiAccrualConfig c = PhiAccrualConfig.DEFAULT;
        assertThat(c.threshold()).isEqualTo(8.0);
        assertThat(c.maxSampleSize()).isEqualTo(200);
        assertThat(c.minStdDeviation()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.acceptableHeartbeatPause()).isZero();
        assertThat(c.firstHeartbeatEstimate()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.toBuilder().build()).isEqualTo(c);

        assertThatThrownBy(() -> c.toBuilder().threshold(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.toBuilder().maxSampleSize(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.toBuilder().minStdDeviation(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.toBuilder().acceptableHeartbeatPause(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.toBuilder().firstHeartbeatEstimate(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
