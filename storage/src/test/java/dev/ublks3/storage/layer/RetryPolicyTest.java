package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void theDefaultIsBoundedByTimeNotByAttempts() {
        RetryPolicy p = RetryPolicy.DEFAULT;
        long ceilings = 0;
        for (int retry = 1; retry < p.maxAttempts(); retry++) {
            ceilings += p.backoffCeilingNanos(retry);
        }
        // even with every backoff at half its ceiling (full jitter's mean), the attempts outlast the time limit
        assertTrue(ceilings / 2 > p.maxTotal().toNanos(), "attempts run out first: " + ceilings / 1e9 + " s");
        assertEquals(Duration.ofSeconds(60), p.maxTotal());
    }

    @Test
    void aRetryTimeIsEndedByTimeNotByAttempts() {
        assertEquals(RetryPolicy.DEFAULT, RetryPolicy.forTime(Duration.ofSeconds(60)));
        assertEquals(RetryPolicy.DEFAULT.maxAttempts(), RetryPolicy.forTime(Duration.ofMillis(500)).maxAttempts());
        for (Duration time : new Duration[] {Duration.ofMillis(500), Duration.ofSeconds(15), Duration.ofMinutes(2),
                Duration.ofHours(1), Duration.ofHours(24)}) {
            RetryPolicy p = RetryPolicy.forTime(time);
            assertEquals(time, p.maxTotal());
            long ceilings = 0;
            for (int retry = 1; retry < p.maxAttempts(); retry++) {
                ceilings += p.backoffCeilingNanos(retry);
            }
            // with every backoff at half its ceiling (full jitter's mean), the attempts outlast the time
            assertTrue(ceilings / 2 > time.toNanos(), time + ": attempts run out first, after " + ceilings / 2e9 + " s");
        }
    }
}
