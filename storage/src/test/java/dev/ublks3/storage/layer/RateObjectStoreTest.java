package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.testing.MemoryObjectStore;
import dev.ublks3.storage.ObjectStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RateObjectStoreTest {

    private static final long MB = 1_000_000;

    private final MemoryObjectStore memory = new MemoryObjectStore();
    private final ManualScheduler scheduler = new ManualScheduler();

    @Test
    void concurrentPutsShareTheWriteBandwidth() {
        RateObjectStore store = new RateObjectStore(memory, 0, MB, 0, scheduler);
        CompletableFuture<Void> first = store.put("a", ByteBuffer.allocate(500_000));
        CompletableFuture<Void> second = store.put("b", ByteBuffer.allocate(500_000));
        scheduler.advance(Duration.ofMillis(499));
        assertFalse(first.isDone());
        assertNull(memory.object("a"), "the PUT is sent once its bytes went through the bucket");
        scheduler.advance(Duration.ofMillis(1));
        assertTrue(first.isDone());
        scheduler.advance(Duration.ofMillis(499));
        assertFalse(second.isDone());
        scheduler.advance(Duration.ofMillis(1));
        assertTrue(second.isDone());
        assertEquals(List.of("a", "b"), memory.keys());
    }

    @Test
    void getsCompleteWhenTheirBytesAreTransferredAndMissingObjectsMoveNone() {
        memory.put("k", ByteBuffer.allocate(250_000)).join();
        RateObjectStore store = new RateObjectStore(memory, MB, 0, 0, scheduler);
        CompletableFuture<ObjectStore.ReadOutcome> found = store.get("k", 0, ByteBuffer.allocate(250_000));
        CompletableFuture<ObjectStore.ReadOutcome> absent = store.get("none", 0, ByteBuffer.allocate(250_000));
        assertEquals(ObjectStore.ReadOutcome.ABSENT, absent.getNow(null));
        scheduler.advance(Duration.ofMillis(249));
        assertFalse(found.isDone());
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(ObjectStore.ReadOutcome.FOUND, found.getNow(null));
    }

    @Test
    void directionsAreIndependentAndUncappedOnesPassThrough() {
        RateObjectStore store = new RateObjectStore(memory, MB, 0, 0, scheduler);
        // writes uncapped: done at once even though reads are capped
        assertTrue(store.put("k", ByteBuffer.allocate(1_000_000)).isDone());
        CompletableFuture<ObjectStore.ReadOutcome> get = store.get("k", 0, ByteBuffer.allocate(1_000_000));
        assertFalse(get.isDone());
        assertTrue(store.put("k2", ByteBuffer.allocate(1_000_000)).isDone());
        assertTrue(store.list(null, null, null, 10).isDone());
        assertTrue(store.delete("k2").isDone());
        scheduler.advance(Duration.ofSeconds(1));
        assertTrue(get.isDone());
    }

    @Test
    void burstIsSpentAtOnceThenTheCapApplies() {
        RateObjectStore store = new RateObjectStore(memory, 0, MB, MB, scheduler);
        assertTrue(store.put("a", ByteBuffer.allocate(1_000_000)).isDone());
        CompletableFuture<Void> b = store.put("b", ByteBuffer.allocate(500_000));
        scheduler.advance(Duration.ofMillis(499));
        assertFalse(b.isDone());
        scheduler.advance(Duration.ofMillis(1));
        assertTrue(b.isDone());
        // a long idle time refills the burst, but no more than one burst
        scheduler.advance(Duration.ofSeconds(10));
        assertTrue(store.put("c", ByteBuffer.allocate(1_000_000)).isDone());
        assertFalse(store.put("d", ByteBuffer.allocate(1)).isDone());
    }

    @Test
    void tokenBucketArithmetic() {
        TokenBucket pipe = new TokenBucket(1000, 0);
        assertEquals(1_000_000_000L, pipe.reserve(1000, 0));
        assertEquals(1_500_000_000L, pipe.reserve(500, 100));     // queued behind the first
        assertEquals(5_001_000_000L, pipe.reserve(1, 5_000_000_000L)); // idle pipe: starts now
        assertEquals(7_000_000_000L, pipe.reserve(0, 7_000_000_000L));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 0));
    }

    @Test
    void realTimeRateTakesAtLeastTheTransferTime() {
        RateObjectStore store = new RateObjectStore(memory, MB, MB);
        long start = System.nanoTime();
        store.put("k", ByteBuffer.allocate(50_000)).join();
        store.get("k", 0, ByteBuffer.allocate(50_000)).join();
        assertTrue(System.nanoTime() - start >= 100_000_000L);
    }
}
