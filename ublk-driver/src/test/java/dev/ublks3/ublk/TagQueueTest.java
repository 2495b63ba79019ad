package dev.ublks3.ublk;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TagQueueTest {
    @Test
    void capacityIsDepthRoundedUpToAPowerOfTwo() {
        assertEquals(2, new TagQueue(1).capacity());
        assertEquals(2, new TagQueue(2).capacity());
        assertEquals(4, new TagQueue(3).capacity());
        assertEquals(128, new TagQueue(128).capacity());
        assertEquals(256, new TagQueue(129).capacity());
        assertEquals(4096, new TagQueue(4096).capacity());
    }

    @Test
    void fifoOnOneThread() {
        TagQueue q = new TagQueue(8);
        assertTrue(q.isEmpty());
        assertEquals(-1, q.poll());
        for (int round = 0; round < 3; round++) { // wraps around the ring
            for (int t = 7; t >= 0; t--) q.offer(t);
            assertFalse(q.isEmpty());
            for (int t = 7; t >= 0; t--) assertEquals(t, q.poll());
            assertTrue(q.isEmpty());
        }
    }

    /**
     * Several producers, one consumer, as in a queue: a tag is offered again only after the consumer took it.
     * Every offer must come out exactly once.
     */
    @Test
    @Timeout(60)
    void everyTagExactlyOnceUnderContention() throws Exception {
        int depth = 128, producers = 3, rounds = 2_000;
        TagQueue q = new TagQueue(depth);
        AtomicIntegerArray busy = new AtomicIntegerArray(depth); // 1 = offered, not yet consumed
        int[] seen = new int[depth];
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int first = p;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int r = 0; r < rounds; r++) {
                    for (int tag = first; tag < depth; tag += producers) {
                        while (busy.get(tag) != 0) Thread.onSpinWait(); // the consumer has not committed it yet
                        busy.set(tag, 1);
                        q.offer(tag);
                    }
                }
            }));
        }
        long expected = (long) depth * rounds;
        long got = 0;
        while (got < expected) {
            int tag = q.poll();
            if (tag < 0) {
                Thread.onSpinWait();
                continue;
            }
            assertEquals(1, busy.get(tag), "tag " + tag + " came out without being offered");
            seen[tag]++;
            busy.set(tag, 0);
            got++;
        }
        for (Thread t : threads) t.join();
        assertTrue(q.isEmpty());
        assertEquals(-1, q.poll());
        for (int tag = 0; tag < depth; tag++) assertEquals(rounds, seen[tag], "tag " + tag);
    }
}
