package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.testing.MemoryObjectStore;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.StoreException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class DelayObjectStoreTest {

    private final MemoryObjectStore memory = new MemoryObjectStore();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final DelayObjectStore store =
            new DelayObjectStore(memory, Duration.ofMillis(20), Duration.ofMillis(50), scheduler);

    @Test
    void writesReachTheStoreOnlyAfterTheWriteDelay() {
        CompletableFuture<Void> put = store.put("k", ByteBuffer.wrap(new byte[] {1}));
        scheduler.advance(Duration.ofMillis(49));
        assertFalse(put.isDone());
        assertNull(memory.object("k"));
        scheduler.advance(Duration.ofMillis(1));
        assertTrue(put.isDone());
        assertEquals(List.of("k"), memory.keys());

        CompletableFuture<Void> delete = store.delete("k");
        CompletableFuture<Void> batch = store.deleteObjects(List.of("k"));
        scheduler.advance(Duration.ofMillis(49));
        assertFalse(delete.isDone() || batch.isDone());
        scheduler.advance(Duration.ofMillis(1));
        assertTrue(delete.isDone() && batch.isDone());
        assertEquals(List.of(), memory.keys());
    }

    @Test
    void readsTakeTheReadDelay() {
        memory.put("k", ByteBuffer.wrap(new byte[] {7})).join();
        CompletableFuture<ObjectStore.ReadOutcome> get = store.get("k", 0, ByteBuffer.allocate(1));
        CompletableFuture<ObjectStore.ListPage> list = store.list(null, null, null, 10);
        scheduler.advance(Duration.ofMillis(19));
        assertFalse(get.isDone() || list.isDone());
        scheduler.advance(Duration.ofMillis(1));
        assertEquals(ObjectStore.ReadOutcome.FOUND, get.join());
        assertEquals(List.of("k"), list.join().keys());
        assertEquals(List.of(20_000_000L, 20_000_000L), scheduler.delays());
    }

    @Test
    void errorsAreDelayedToo() {
        memory.close();
        CompletableFuture<Void> put = store.put("k", ByteBuffer.allocate(1));
        assertFalse(put.isDone());
        scheduler.advance(Duration.ofMillis(50));
        CompletionException e = assertThrows(CompletionException.class, put::join);
        assertTrue(e.getCause() instanceof StoreException);
    }

    @Test
    void zeroDelayPassesStraightThrough() {
        DelayObjectStore none = new DelayObjectStore(memory, Duration.ZERO, Duration.ZERO, scheduler);
        assertTrue(none.put("k", ByteBuffer.allocate(1)).isDone());
        assertEquals(List.of(), scheduler.delays());
    }

    @Test
    void realTimeDelayTakesAtLeastTheDelay() {
        DelayObjectStore real = new DelayObjectStore(memory, Duration.ofMillis(20), Duration.ofMillis(20));
        long start = System.nanoTime();
        real.put("k", ByteBuffer.allocate(1)).join();
        real.get("k", 0, ByteBuffer.allocate(1)).join();
        assertTrue(System.nanoTime() - start >= 40_000_000L);
    }

    @Test
    void delaysRunOnAGivenExecutor() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            DelayObjectStore real = new DelayObjectStore(memory, Duration.ZERO, Duration.ofMillis(30),
                    Scheduler.of(executor));
            long start = System.nanoTime();
            real.put("k", ByteBuffer.allocate(1)).join();
            assertTrue(System.nanoTime() - start >= 30_000_000L);
            assertEquals(List.of("k"), memory.keys());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void negativeDelayIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new DelayObjectStore(memory, Duration.ofMillis(-1), Duration.ZERO, scheduler));
    }
}
