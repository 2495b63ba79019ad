package dev.ublks3.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ublks3.storage.cache.CacheMode;
import dev.ublks3.storage.cache.CacheStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The cache's short line in {@code list}: disk errors are named only when there are some. */
class CacheSummaryTest {

    private static CacheStats withDiskErrors(long errors) {
        return new CacheStats(
                CacheMode.WRITEBACK, 8192, 2, Duration.ofMillis(1500), 10, 3, 4, 4L << 16, 0, 7, errors, 6, 512);
    }

    @Test
    void aHealthyCacheDiskIsNotMentioned() {
        assertEquals(
                "writeback, 2 dirty (8.0 KiB, oldest 1.5 s), 10 hits, 3 misses",
                CacheControl.summary(withDiskErrors(0)));
    }

    @Test
    void diskErrorsAreNamedWithWhereToLook() {
        assertEquals(
                "writeback, 2 dirty (8.0 KiB, oldest 1.5 s), 10 hits, 3 misses, 5 cache disk errors (see the log)",
                CacheControl.summary(withDiskErrors(5)));
    }
}
