package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AttemptDeadlinesTest {

    private final AtomicLong now = new AtomicLong(1_000);

    private AttemptDeadlines manual(Duration timeout) {
        return new AttemptDeadlines(timeout, "test-deadlines", now::get, false);
    }

    /** Time passes by {@code time}, then the ticker looks for deadlines due. */
    private void expireAfter(AttemptDeadlines deadlines, Duration time) {
        now.addAndGet(time.toNanos());
        deadlines.expireDue();
    }

    @Test
    void anExpiryRunsOnceItsDeadlineHasPassedAndOnlyOnce() {
        try (AttemptDeadlines deadlines = manual(Duration.ofSeconds(10))) {
            AtomicInteger expired = new AtomicInteger();
            deadlines.start(expired::incrementAndGet);
            expireAfter(deadlines, Duration.ofSeconds(10).minusNanos(1));
            assertEquals(0, expired.get(), "not yet");
            expireAfter(deadlines, Duration.ofNanos(1));
            deadlines.expireDue();
            assertEquals(1, expired.get());
            assertEquals(0, deadlines.pending());
        }
    }

    @Test
    void aCancelledDeadlineNeverExpires() {
        try (AttemptDeadlines deadlines = manual(Duration.ofSeconds(2))) {
            AtomicInteger expired = new AtomicInteger();
            AttemptDeadlines.Deadline deadline = deadlines.start(expired::incrementAndGet);
            assertEquals(1, deadlines.pending());
            deadline.cancel();
            assertEquals(0, deadlines.pending(), "nothing kept once the attempt is done");
            expireAfter(deadlines, Duration.ofSeconds(3));
            assertEquals(0, expired.get());
        }
    }

    @Test
    void eachDeadlineCountsFromItsOwnStartAndAFailingExpiryStopsNoOther() {
        try (AttemptDeadlines deadlines = manual(Duration.ofSeconds(4))) {
            AtomicInteger expired = new AtomicInteger();
            deadlines.start(() -> {
                expired.incrementAndGet();
                throw new IllegalStateException("boom");
            });
            deadlines.start(expired::incrementAndGet);
            now.addAndGet(TimeUnit.SECONDS.toNanos(2));
            deadlines.start(expired::incrementAndGet);
            expireAfter(deadlines, Duration.ofSeconds(2));
            assertEquals(2, expired.get(), "the two started first, though the first one threw");
            assertEquals(1, deadlines.pending());
            expireAfter(deadlines, Duration.ofSeconds(2));
            assertEquals(3, expired.get());
        }
    }

    @Test
    void theTickIsAnEighthOfTheTimeoutAndAtMostASecond() {
        try (AttemptDeadlines deadlines = manual(Duration.ofSeconds(2))) {
            assertEquals(TimeUnit.MILLISECONDS.toNanos(250), deadlines.tickNanos());
        }
        try (AttemptDeadlines deadlines = manual(Duration.ofSeconds(120))) {
            assertEquals(TimeUnit.SECONDS.toNanos(1), deadlines.tickNanos());
        }
    }

    @Test
    void theTickerThreadExpiresDeadlinesWithinATickOfTheirTime() throws InterruptedException {
        try (AttemptDeadlines deadlines = new AttemptDeadlines(Duration.ofSeconds(1), "test-deadlines")) {
            CountDownLatch expired = new CountDownLatch(1);
            long start = System.nanoTime();
            deadlines.start(expired::countDown);
            assertTrue(expired.await(10, TimeUnit.SECONDS), "the ticker expired it");
            long took = System.nanoTime() - start;
            assertTrue(took >= TimeUnit.SECONDS.toNanos(1), "not before its time: " + took);
        }
    }
}
