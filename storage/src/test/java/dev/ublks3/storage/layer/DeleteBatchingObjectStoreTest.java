package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import dev.ublks3.storage.StorageStack;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.testing.CountingObjectStore;
import dev.ublks3.storage.testing.HeldDeletes;
import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DeleteBatchingObjectStoreTest {

    private static final int SLOTS = DeleteBatchingObjectStore.DEFAULT_MAX_BATCHES;

    private final MemoryObjectStore memory = new MemoryObjectStore();
    private final HeldDeletes held = new HeldDeletes(memory);
    private final CountingObjectStore counting = new CountingObjectStore(held);
    private final DeleteBatchingObjectStore batching = new DeleteBatchingObjectStore(counting);

    private void putAll(String... keys) {
        for (String key : keys) {
            memory.put(key, ByteBuffer.wrap(new byte[] {1})).join();
        }
    }

    /** Joins a call that must have completed (everything here completes on the caller's thread): fails, not hangs. */
    private static void done(CompletableFuture<Void> call) {
        assertTrue(call.isDone(), "still waiting");
        call.join();
    }

    /** One held delete per slot, {@code busy/0 ..}: whatever comes next queues. */
    private List<CompletableFuture<Void>> fillTheSlots(ObjectStore store) {
        List<CompletableFuture<Void>> busy = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            busy.add(store.delete("busy/" + i));
        }
        assertEquals(SLOTS, held.held(), "each went at once, alone");
        return busy;
    }

    @Test
    void aLoneDeleteGoesAtOnceAsOneDelete() {
        held.holding(false);
        putAll("k/1");
        batching.delete("k/1").join();
        assertEquals(1, counting.deletes.get());
        assertEquals(0, counting.deleteBatches.get());
        assertEquals(List.of(), memory.keys());
    }

    @Test
    void deletesQueuedBehindFullSlotsShareOneRequest() {
        putAll("k/0", "k/1", "k/2", "k/3", "k/4", "k/5");
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            all.add(batching.delete("k/" + i));
        }
        all.add(batching.delete("k/4"));
        all.add(batching.deleteObjects(List.of("k/5", "k/6", "k/4"))); // k/4 twice: named once in the request
        assertEquals(SLOTS, held.held(), "past the slots, deletes wait");
        assertFalse(all.getLast().isDone());
        held.releaseAll();
        all.forEach(DeleteBatchingObjectStoreTest::done);
        assertEquals(SLOTS, counting.deletes.get(), "the first ones, alone");
        assertEquals(1, counting.deleteBatches.get(), "everything that queued behind them, together");
        assertEquals(3, counting.deletedKeys.get());
        assertEquals(List.of(), memory.keys());
    }

    @Test
    void aBurstOfOneObjectDeletesCostsAFewRequestsWithNoMoreInFlightThanTheSlots() {
        List<CompletableFuture<Void>> burst = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            burst.add(batching.delete("z/" + i));
        }
        held.releaseAll();
        burst.forEach(DeleteBatchingObjectStoreTest::done);
        assertEquals(SLOTS, counting.deletes.get());
        assertEquals(2, counting.deleteBatches.get(), "1000 keys, then the other " + (1024 - SLOTS - 1000));
        assertEquals(SLOTS, counting.maxInFlight());
    }

    @Test
    void aBatchNeverNamesMoreThanOneRequestTakes() {
        fillTheSlots(batching);
        List<CompletableFuture<Void>> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<String> keys = new ArrayList<>();
            for (int k = 0; k < 400; k++) {
                keys.add("b" + i + "/" + k);
            }
            later.add(batching.deleteObjects(keys));
        }
        held.releaseAll();
        later.forEach(DeleteBatchingObjectStoreTest::done);
        assertEquals(2, counting.deleteBatches.get(), "800 keys, then 400: 1200 do not fit one request");
        assertEquals(1200, counting.deletedKeys.get());
    }

    @Test
    void aRequestThatDoesNotEndHoldsBackOnlyWhatQueuesWhenEverySlotIsTaken() {
        List<String> slow = List.of("slow/0");
        CompletableFuture<Void> retrying = batching.delete("slow/0");
        for (int i = 0; i < 3 * SLOTS; i++) {
            CompletableFuture<Void> other = batching.delete("k/" + i);
            held.release(keys -> !keys.equals(slow));
            assertTrue(other.isDone(), "a delete while one request retries goes on");
        }
        List<CompletableFuture<Void>> retryingToo = new ArrayList<>(List.of(retrying));
        for (int i = 1; i < SLOTS; i++) {
            retryingToo.add(batching.delete("slow/" + i));
        }
        CompletableFuture<Void> queued = batching.delete("k/last");
        assertEquals(0, held.release(keys -> !keys.getFirst().startsWith("slow/")));
        assertFalse(queued.isDone(), "every slot retrying: it waits for one");
        held.release(keys -> keys.equals(slow));
        assertEquals(List.of("k/last"), held.heldKeys().getLast(), "sent once a slot is free");
        held.releaseAll();
        done(queued);
        retryingToo.forEach(DeleteBatchingObjectStoreTest::done);
    }

    @Test
    void aFailedBatchFailsOnlyTheCallersWhoseKeysFail() {
        ObjectStore failingOnBad = new ObjectStoreLayer(counting) {
            @Override
            public CompletableFuture<Void> delete(String key) {
                return key.equals("bad") ? failed() : next.delete(key);
            }

            @Override
            public CompletableFuture<Void> deleteObjects(List<String> keys) {
                return keys.contains("bad") ? failed() : next.deleteObjects(keys);
            }

            private CompletableFuture<Void> failed() {
                return CompletableFuture.failedFuture(
                        new StoreException(StoreException.Kind.ACCESS_DENIED, "DELETE", "bad", "AccessDenied on bad"));
            }
        };
        DeleteBatchingObjectStore store = new DeleteBatchingObjectStore(failingOnBad);
        putAll("good/1", "good/2");
        List<CompletableFuture<Void>> busy = fillTheSlots(store);
        CompletableFuture<Void> good = store.deleteObjects(List.of("good/1", "good/2"));
        CompletableFuture<Void> bad = store.delete("bad");
        held.releaseAll();
        busy.forEach(DeleteBatchingObjectStoreTest::done);
        done(good);
        CompletionException e = assertThrows(CompletionException.class, bad::join);
        assertInstanceOf(StoreException.class, e.getCause());
        assertEquals(List.of(), memory.keys());
    }

    @Test
    void aStoreThatThrowsInTheRetryOfOneCallerFailsOnlyThatCallerAndFreesTheSlot() {
        // a batch fails, and then asking for one caller's key alone throws instead of returning a failed future
        ObjectStore throwing = new ObjectStoreLayer(counting) {
            @Override
            public CompletableFuture<Void> delete(String key) {
                if (key.equals("bad")) {
                    throw new IllegalStateException("bad key");
                }
                return next.delete(key);
            }

            @Override
            public CompletableFuture<Void> deleteObjects(List<String> keys) {
                return keys.contains("bad")
                        ? CompletableFuture.failedFuture(new StoreException(
                                StoreException.Kind.ACCESS_DENIED, "DELETE", null, "AccessDenied on bad"))
                        : next.deleteObjects(keys);
            }
        };
        DeleteBatchingObjectStore store = new DeleteBatchingObjectStore(throwing);
        putAll("good/1", "good/2", "later");
        List<CompletableFuture<Void>> busy = fillTheSlots(store);
        CompletableFuture<Void> first = store.delete("good/1");
        CompletableFuture<Void> bad = store.delete("bad");
        CompletableFuture<Void> last = store.delete("good/2");
        held.releaseAll();
        busy.forEach(DeleteBatchingObjectStoreTest::done);
        done(first);
        done(last);
        CompletionException e = assertThrows(CompletionException.class, bad::join);
        assertInstanceOf(IllegalStateException.class, e.getCause());
        CompletableFuture<Void> later = store.delete("later");
        held.releaseAll();
        done(later);
        assertEquals(List.of(), memory.keys());
    }

    @Test
    void aStoreThatThrowsAnErrorFailsTheRequestNotTheLayer() {
        held.holding(false);
        boolean[] broken = {true};
        ObjectStore throwing = new ObjectStoreLayer(counting) {
            @Override
            public CompletableFuture<Void> delete(String key) {
                if (broken[0]) {
                    throw new NoClassDefFoundError("software/amazon/awssdk/Missing");
                }
                return next.delete(key);
            }
        };
        DeleteBatchingObjectStore store = new DeleteBatchingObjectStore(throwing, 1);
        CompletableFuture<Void> failed = store.delete("k/1");
        CompletionException e = assertThrows(CompletionException.class, failed::join);
        assertInstanceOf(NoClassDefFoundError.class, e.getCause());
        broken[0] = false;
        putAll("k/2");
        assertTrue(store.delete("k/2").isDone(), "the one slot is free again");
        assertEquals(List.of(), memory.keys());
    }

    @Test
    void zeroingManyObjectsOneRequestEachCostsFewDeletes() {
        // what the kernel sends for write-zeroes over 64 objects: one request per object (chunk_sectors)
        held.holding(false);
        try (StorageStack stack = StorageStack.open(counting, new StorageStack.Options("z", 64 * 4096, 4096))) {
            for (int n = 0; n < 64; n++) {
                stack.device()
                        .write((long) n * 4096, ByteBuffer.wrap(new byte[4096]), false)
                        .join();
            }
            held.holding(true);
            counting.reset();
            List<CompletableFuture<Void>> zeroes = new ArrayList<>();
            for (int n = 0; n < 64; n++) {
                zeroes.add(stack.device().zero((long) n * 4096, 4096));
            }
            assertEquals(SLOTS, held.held());
            held.releaseAll();
            zeroes.forEach(DeleteBatchingObjectStoreTest::done);
            assertEquals(
                    SLOTS + 1,
                    counting.deletes.get() + counting.deleteBatches.get(),
                    "one alone per slot, then the other " + (64 - SLOTS) + " together");
            assertEquals(List.of(), memory.keys());
        }
    }

    @Test
    void aBadBoundIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new DeleteBatchingObjectStore(memory, 0));
        assertEquals("maxBatches 0 must be at least 1", e.getMessage());
    }
}
