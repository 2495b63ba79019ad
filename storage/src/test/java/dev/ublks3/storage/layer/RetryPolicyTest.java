package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void aRetryTimeIsEndedByTimeNotByAttempts() {
        assertEquals(RetryPolicy.DEFAULT, RetryPolicy.forTime(Duration.ofSeconds(60)));
        for (Duration time : new Duration[] {
            Duration.ofMillis(500),
            Duration.ofSeconds(15),
            Duration.ofMinutes(2),
            Duration.ofHours(1),
            Duration.ofHours(24)
        }) {
            RetryPolicy p = RetryPolicy.forTime(time);
            assertEquals(time, p.maxTotal());
            assertEquals(Integer.MAX_VALUE, p.maxAttempts(), time + ": no count of attempts ends it");
            assertEquals(Duration.ofMillis(50), p.initialBackoff());
            assertEquals(Duration.ofSeconds(5), p.maxBackoff());
        }
    }
}
