package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.testing.CountingObjectStore;
import dev.ublks3.storage.testing.HeldDeletes;
import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A trim of many objects, on memory (object-map logic): how many listed keys it holds while its deletes run. */
class ObjectMapBigTrimTest {

    private static final int OS = 4096;
    private static final int OBJECTS = 10_500;

    /** Keys listed and not yet deleted, and the most there were at once. */
    private static final class OutstandingKeys extends ObjectStoreLayer {
        private final AtomicLong outstanding = new AtomicLong();
        private final AtomicLong most = new AtomicLong();

        OutstandingKeys(ObjectStore next) {
            super(next);
        }

        @Override
        public CompletableFuture<ListPage> list(String prefix, String startAfter, String token, int maxKeys) {
            return next.list(prefix, startAfter, token, maxKeys).thenApply(page -> {
                most.accumulateAndGet(outstanding.addAndGet(page.keys().size()), Math::max);
                return page;
            });
        }

        @Override
        public CompletableFuture<Void> deleteObjects(List<String> keys) {
            return next.deleteObjects(keys).thenRun(() -> outstanding.addAndGet(-keys.size()));
        }
    }

    /** A store with every object of the device, of one byte each: a trim reads nothing. */
    private static MemoryObjectStore everyObjectStored() {
        MemoryObjectStore memory = new MemoryObjectStore();
        for (long block = 0; block < OBJECTS; block++) {
            memory.put("vol/%016x".formatted(block), ByteBuffer.wrap(new byte[] {1}))
                    .join();
        }
        return memory;
    }

    @Test
    void aTrimOfManyObjectsHoldsAtMostTwoPagesOfKeysWhileItsDeletesRun() {
        MemoryObjectStore memory = everyObjectStored();
        HeldDeletes held = new HeldDeletes(memory);
        OutstandingKeys keys = new OutstandingKeys(held);
        ObjectMap map = new ObjectMap(keys, "vol", (long) OBJECTS * OS, OS);

        CompletableFuture<Void> trim = map.trim(0, (long) OBJECTS * OS);
        while (held.releaseOldest()) {
            // one DeleteObjects ends at a time, as if each took a while
        }
        assertTrue(trim.isDone(), "nothing held, nothing left to do");
        trim.join();
        assertEquals(List.of(), memory.keys());
        assertTrue(keys.most.get() <= 2000, "keys listed and not yet deleted, at most: " + keys.most.get());
    }

    @Test
    void aFailedDeleteStopsTheWalkAndTheTrimFailsOnlyOnceEveryDeleteItSentHasEnded() {
        MemoryObjectStore memory = everyObjectStored();
        String firstKey = "vol/%016x".formatted(0);
        ObjectStore failingFirstPage = new ObjectStoreLayer(memory) {
            @Override
            public CompletableFuture<Void> deleteObjects(List<String> keys) {
                return keys.contains(firstKey)
                        ? CompletableFuture.failedFuture(new StoreException(
                                StoreException.Kind.ACCESS_DENIED, "DELETE", null, "AccessDenied on the first page"))
                        : next.deleteObjects(keys);
            }
        };
        HeldDeletes held = new HeldDeletes(failingFirstPage);
        CountingObjectStore counting = new CountingObjectStore(held);
        ObjectMap map = new ObjectMap(counting, "vol", (long) OBJECTS * OS, OS);

        CompletableFuture<Void> trim = map.trim(0, (long) OBJECTS * OS);
        assertEquals(2, held.held(), "the first page's delete, and the second's");
        held.releaseOldest();
        assertFalse(trim.isDone(), "the second page's delete still runs: writes after the trim must wait for it");
        held.releaseAll();
        CompletionException e = assertThrows(CompletionException.class, trim::join);
        assertInstanceOf(StoreException.class, e.getCause());
        assertEquals(2, counting.lists.get(), "no page listed after the failure");
        assertEquals(OBJECTS - 1000, memory.keys().size(), "the second page deleted, and nothing else");
    }
}
