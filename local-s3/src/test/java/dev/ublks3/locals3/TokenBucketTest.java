package dev.ublks3.locals3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void tokenBucketArithmetic() {
        TokenBucket pipe = new TokenBucket(1000, 0);
        assertEquals(1_000_000_000L, pipe.reserve(1000, 0));
        assertEquals(1_500_000_000L, pipe.reserve(500, 100)); // queued behind the first
        assertEquals(5_001_000_000L, pipe.reserve(1, 5_000_000_000L)); // idle pipe: starts now
        assertEquals(7_000_000_000L, pipe.reserve(0, 7_000_000_000L));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 0));
    }
}
