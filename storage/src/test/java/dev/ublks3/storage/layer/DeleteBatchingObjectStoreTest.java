package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.MemoryObjectStore;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import dev.ublks3.storage.StorageStack;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.testing.CountingObjectStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DeleteBatchingObjectStoreTest {

    /** Holds deletes until released, so that later ones queue behind them. */
    private static final class HeldDeletes extends ObjectStoreLayer {
        volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

        HeldDeletes(ObjectStore next) {
            super(next);
        }

        @Override
        public CompletableFuture<Void> delete(String key) {
            return gate.thenCompose(v -> next.delete(key));
        }

        @Override
        public CompletableFuture<Void> deleteObjects(List<String> keys) {
            return gate.thenCompose(v -> next.deleteObjects(keys));
        }
    }

    private final MemoryObjectStore memory = new MemoryObjectStore();
    private final CountingObjectStore counting = new CountingObjectStore(memory);
    private final HeldDeletes held = new HeldDeletes(counting);
    private final DeleteBatchingObjectStore batching = new DeleteBatchingObjectStore(held);

    private void putAll(String... keys) {
        for (String key : keys) {
            memory.put(key, ByteBuffer.wrap(new byte[] {1})).join();
        }
    }

    @Test
    void aLoneDeleteGoesAtOnceAsOneDelete() {
        putAll("k/1");
        batching.delete("k/1").join();
        assertEquals(1, counting.deletes.get());
        assertEquals(0, counting.deleteBatches.get());
        assertEquals(List.of(), memory.keys());
    }

    @Test
    void deletesQueuedBehindOneInFlightShareOneRequest() {
        putAll("k/0", "k/1", "k/2", "k/3", "k/4", "k/5");
        held.gate = new CompletableFuture<>();
        CompletableFuture<Void> first = batching.delete("k/0");
        List<CompletableFuture<Void>> later = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            later.add(batching.delete("k/" + i));
        }
        later.add(batching.deleteObjects(List.of("k/4", "k/5", "k/3"))); // k/3 twice: named once in the request
        assertFalse(first.isDone());
        held.gate.complete(null);
        first.join();
        later.forEach(CompletableFuture::join);
        assertEquals(1, counting.deletes.get(), "the first, alone");
        assertEquals(1, counting.deleteBatches.get(), "everything that queued behind it, together");
        assertEquals(5, counting.deletedKeys.get());
        assertEquals(List.of(), memory.keys());
    }

    @Test
    void aBatchNeverNamesMoreThanOneRequestTakes() {
        held.gate = new CompletableFuture<>();
        batching.delete("first");
        List<CompletableFuture<Void>> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<String> keys = new ArrayList<>();
            for (int k = 0; k < 400; k++) {
                keys.add("b" + i + "/" + k);
            }
            later.add(batching.deleteObjects(keys));
        }
        held.gate.complete(null);
        later.forEach(CompletableFuture::join);
        assertEquals(2, counting.deleteBatches.get(), "800 keys, then 400: 1200 do not fit one request");
        assertEquals(1200, counting.deletedKeys.get());
    }

    @Test
    void aFailedBatchFailsOnlyTheCallersWhoseKeysFail() {
        ObjectStore failingOnBad = new ObjectStoreLayer(held) {
            @Override
            public CompletableFuture<Void> delete(String key) {
                return key.equals("bad") ? failed() : next.delete(key);
            }

            @Override
            public CompletableFuture<Void> deleteObjects(List<String> keys) {
                return keys.contains("bad") ? failed() : next.deleteObjects(keys);
            }

            private CompletableFuture<Void> failed() {
                return CompletableFuture.failedFuture(new StoreException(StoreException.Kind.ACCESS_DENIED, "DELETE",
                        "bad", "AccessDenied on bad"));
            }
        };
        DeleteBatchingObjectStore store = new DeleteBatchingObjectStore(failingOnBad);
        putAll("good/1", "good/2");
        held.gate = new CompletableFuture<>();
        CompletableFuture<Void> first = store.delete("good/0");
        CompletableFuture<Void> good = store.deleteObjects(List.of("good/1", "good/2"));
        CompletableFuture<Void> bad = store.delete("bad");
        held.gate.complete(null);
        first.join();
        good.join();
        CompletionException e = assertThrows(CompletionException.class, bad::join);
        assertTrue(e.getCause() instanceof StoreException, e.toString());
        assertEquals(List.of(), memory.keys());
    }

    @Test
    void zeroingManyObjectsOneRequestEachCostsFewDeletes() {
        // what the kernel sends for write-zeroes over 64 objects: one request per object (chunk_sectors)
        try (StorageStack stack = StorageStack.open(held, new StorageStack.Options("z", 64 * 4096, 4096))) {
            for (int n = 0; n < 64; n++) {
                stack.device().write((long) n * 4096, ByteBuffer.wrap(new byte[4096]), false).join();
            }
            counting.reset();
            held.gate = new CompletableFuture<>();
            List<CompletableFuture<Void>> zeroes = new ArrayList<>();
            for (int n = 0; n < 64; n++) {
                zeroes.add(stack.device().zero((long) n * 4096, 4096));
            }
            held.gate.complete(null);
            zeroes.forEach(CompletableFuture::join);
            assertEquals(2, counting.deletes.get() + counting.deleteBatches.get(), "one alone, then 63 together");
            assertEquals(List.of(), memory.keys());
        }
    }
}
