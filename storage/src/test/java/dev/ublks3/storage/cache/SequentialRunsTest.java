package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SequentialRunsTest {

    @Test
    void aRunIsStreamingOncePastTheCutoff() {
        SequentialRuns runs = new SequentialRuns(1 << 20, 4);
        for (int i = 0; i < 8; i++) {
            assertFalse(runs.streaming(i * 131072L, 131072), "1 MiB so far, not past the cutoff: " + i);
        }
        assertTrue(runs.streaming(8 * 131072L, 131072));
    }

    @Test
    void interleavedRandomReadsDoNotBreakARunNorJoinIt() {
        SequentialRuns runs = new SequentialRuns(1 << 20, 4);
        long at = 1L << 30;
        for (int i = 0; i < 20; i++) {
            boolean streaming = runs.streaming(at, 131072);
            at += 131072;
            assertFalse(runs.streaming(4096L * (i * 7919 % 1000), 4096), "a random 4 KiB read");
            if (i >= 8) {
                assertTrue(streaming, "the stream is still recognised after random reads in between: " + i);
            }
        }
    }

    @Test
    void oneLargeRequestIsStreamingByItself() {
        SequentialRuns runs = new SequentialRuns(1 << 20, 4);
        assertTrue(runs.streaming(0, 2 << 20));
        assertFalse(runs.streaming(100L << 20, 4096));
    }
}
