package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.layer.BlockOp;
import dev.ublks3.storage.layer.BlockOpStats;
import dev.ublks3.storage.layer.DelayedStore;
import dev.ublks3.storage.layer.ManualScheduler;
import dev.ublks3.storage.layer.RetryPolicy;
import dev.ublks3.storage.layer.ScriptedFailingStore;
import dev.ublks3.storage.layer.StorageStats;
import dev.ublks3.storage.layer.StoreCall;
import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StorageStackTest {

    private static final int KiB = 1024;
    private static final int OBJECT = 64 * KiB;

    private final MemoryObjectStore memory = new MemoryObjectStore();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final StorageStack.Options options =
            new StorageStack.Options("disk", 16L * OBJECT, OBJECT).withScheduler(scheduler);

    private static ByteBuffer pattern(int size, int seed) {
        ByteBuffer b = ByteBuffer.allocate(size);
        for (int i = 0; i < size; i++) {
            b.put(i, (byte) (i * 31 + seed));
        }
        return b;
    }

    @Test
    void aStraddlingWriteReadsBackAndShowsInEveryCounter() {
        try (StorageStack stack = StorageStack.open(memory, options)) {
            ByteBuffer data = pattern(8 * KiB, 7);
            stack.device().write(OBJECT - 4 * KiB, data.duplicate(), false).join();
            stack.device().flush().join();
            ByteBuffer back = ByteBuffer.allocate(8 * KiB);
            stack.device().read(OBJECT - 4 * KiB, back).join();
            assertArrayEquals(data.array(), back.array());
            assertEquals(List.of("disk/0000000000000000", "disk/0000000000000001"), memory.keys());

            StorageStats stats = stack.stats();
            BlockOpStats write = stats.block(BlockOp.WRITE);
            assertEquals(1, write.ops());
            assertEquals(1, write.straddling());
            assertEquals(1, write.partial());
            assertEquals(1, stats.block(BlockOp.READ).ops());
            assertEquals(1, stats.block(BlockOp.FLUSH).ops());
            assertEquals(
                    new StorageStats.PartialWrites(0, 0, 2),
                    stats.partialWrites(),
                    "both objects were written in part, both absent: no GET");
            assertEquals(2, stats.store(StoreCall.GET).ops(), "the read's, one per object");
            assertEquals(1, stats.store(StoreCall.LIST).ops(), "the write's: which objects exist");
            assertEquals(2, stats.store(StoreCall.PUT).ops());
            assertEquals(2L * OBJECT, stats.store(StoreCall.PUT).bytes());
            assertEquals(OBJECT, stats.objectSize());
            assertTrue(stats.toText().contains("straddling object boundaries 1"), stats.toText());
        }
    }

    @Test
    void withoutPresenceListingAPartialWriteGetsItsObjectInsteadOfListing() {
        StorageStack.Options noListing = options.withObjectMap(ObjectMapOptions.DEFAULT.withPresenceListing(false));
        try (StorageStack stack = StorageStack.open(memory, noListing)) {
            stack.device().write(100, pattern(10, 3), false).join();
            StorageStats stats = stack.stats();
            assertEquals(0, stats.store(StoreCall.LIST).ops());
            assertEquals(1, stats.store(StoreCall.GET).ops(), "it may exist: GET (it does not: ABSENT)");
            assertEquals(new StorageStats.PartialWrites(1, 0, 0), stats.partialWrites());
        }
    }

    @Test
    void alignedWholeObjectWritesNeedNoReadModifyWrite() {
        try (StorageStack stack = StorageStack.open(memory, options)) {
            CompletableFuture<Void> write = stack.device().write(OBJECT, pattern(OBJECT, 1), false);
            assertTrue(write.isDone(), "over the memory store nothing waits on the scheduler");
            StorageStats stats = stack.stats();
            assertEquals(0, stats.readModifyWriteCycles());
            assertEquals(0, stats.block(BlockOp.WRITE).straddling());
            assertEquals(0, stats.block(BlockOp.WRITE).partial());
            assertEquals(0, stats.store(StoreCall.GET).ops());
        }
    }

    @Test
    void retriesOfTheBaseStoreShowInTheStats() {
        ScriptedFailingStore failing = new ScriptedFailingStore(memory).failNext(2, StoreException.Kind.SERVER_ERROR);
        try (StorageStack stack = StorageStack.open(failing, options)) {
            CompletableFuture<Void> write = stack.device().write(0, pattern(OBJECT, 2), true);
            scheduler.runAll();
            write.join();
            StorageStats stats = stack.stats();
            assertEquals(1, stats.store(StoreCall.PUT).ops());
            assertEquals(2, stats.store(StoreCall.PUT).retries());
            assertEquals(0, stats.store(StoreCall.PUT).errors());
            assertEquals(3, failing.calls());
        }
    }

    @Test
    void noRetryPolicySurfacesTheFirstFailure() {
        ScriptedFailingStore failing = new ScriptedFailingStore(memory).failNext(1, StoreException.Kind.SERVER_ERROR);
        try (StorageStack stack = StorageStack.open(failing, options.withRetry(RetryPolicy.NONE))) {
            assertThrows(
                    CompletionException.class,
                    () -> stack.device().write(0, pattern(OBJECT, 3), false).join());
            StorageStats stats = stack.stats();
            assertEquals(1, stats.block(BlockOp.WRITE).errors());
            assertEquals(1, stats.store(StoreCall.PUT).errors());
        }
    }

    @Test
    void aTrimWhoseDeleteRetriesHoldsBackOnlyWhatTouchesItsObjects() {
        String failingKey = "disk/0000000000000000";
        ObjectStore failingOneKey = new ObjectStoreLayer(memory) {
            @Override
            public CompletableFuture<Void> delete(String key) {
                return key.equals(failingKey) ? unavailable() : next.delete(key);
            }

            @Override
            public CompletableFuture<Void> deleteObjects(List<String> keys) {
                return keys.contains(failingKey) ? unavailable() : next.deleteObjects(keys);
            }

            private CompletableFuture<Void> unavailable() {
                return CompletableFuture.failedFuture(new StoreException(
                        StoreException.Kind.SERVER_ERROR, "DELETE", failingKey, 503, "SlowDown", null));
            }
        };
        try (StorageStack stack = StorageStack.open(failingOneKey, options)) {
            BlockDevice device = stack.device();
            device.write(0, pattern(4 * OBJECT, 5), false).join();
            CompletableFuture<Void> retrying = device.trim(0, OBJECT);
            assertFalse(retrying.isDone(), "its DELETE retries, on the scheduler");
            assertTrue(device.trim(2L * OBJECT, OBJECT).isDone(), "another trim goes on meanwhile");
            assertTrue(device.write(2L * OBJECT, pattern(OBJECT, 6), false).isDone(), "and a write behind it");
            assertTrue(device.flush().isDone(), "and a flush");
            CompletableFuture<Void> read = device.read(0, ByteBuffer.allocate(OBJECT));
            assertFalse(read.isDone(), "a read of the object being deleted waits for the delete");

            scheduler.runAll(); // the retry time runs out
            CompletionException e = assertThrows(CompletionException.class, retrying::join);
            assertInstanceOf(StoreException.class, e.getCause());
            read.join();
            assertEquals(
                    List.of(
                            "disk/0000000000000000",
                            "disk/0000000000000001",
                            "disk/0000000000000002",
                            "disk/0000000000000003"),
                    memory.keys());
        }
    }

    @Test
    void theStoreStatsTimeWhatTheBaseStoreTakes() {
        // as a 64 KiB PUT on a link of 20 ms and 1 MB/s: 65.536 ms to send, then 20 ms of latency
        DelayedStore slow = new DelayedStore(memory, Duration.ZERO, Duration.ofNanos(85_536_000), scheduler);
        try (StorageStack stack = StorageStack.open(slow, options)) {
            CompletableFuture<Void> write = stack.device().write(0, pattern(OBJECT, 4), false);
            scheduler.advance(Duration.ofMillis(85));
            assertFalse(write.isDone());
            assertEquals(List.of(), memory.keys());
            scheduler.advance(Duration.ofMillis(1));
            assertTrue(write.isDone());
            assertEquals(
                    85_536_000L, stack.stats().store(StoreCall.PUT).latency().max(), 85_536);
        }
    }

    @Test
    void badGeometryIsRefusedWithTheObjectMapsMessage() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new StorageStack.Options("disk", 100_000, OBJECT));
        assertTrue(e.getMessage().contains("not a multiple of object-size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StorageStack.Options("disk", 4L * 3000, 3000));
    }

    @Test
    void closeClosesTheBaseStoreOnce() {
        StorageStack stack = StorageStack.open(memory, options);
        stack.close();
        stack.close();
        assertThrows(
                CompletionException.class,
                () -> memory.put("x", ByteBuffer.allocate(1)).join());
    }
}
