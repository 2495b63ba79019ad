package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    void theEnvironmentSetsTheRetryTime() {
        assertEquals(RetryPolicy.DEFAULT, RetryPolicy.configured(null));
        assertEquals(RetryPolicy.DEFAULT, RetryPolicy.configured(" "));
        assertEquals(Duration.ofSeconds(15), RetryPolicy.configured("15s").maxTotal());
        assertEquals(Duration.ofMillis(500), RetryPolicy.configured("500ms").maxTotal());
        assertEquals(RetryPolicy.DEFAULT.maxAttempts(), RetryPolicy.configured("15s").maxAttempts());
        assertTrue(RetryPolicy.configured("3600s").maxAttempts() > 1000 / 2, "an hour of retrying has attempts enough");
        for (String bad : new String[] {"15", "1m", "-5s", "fast"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RetryPolicy.configured(bad));
            assertTrue(e.getMessage().startsWith("UBLK_S3_RETRY_TIME='" + bad + "' is not a duration"), e.getMessage());
        }
    }
}
