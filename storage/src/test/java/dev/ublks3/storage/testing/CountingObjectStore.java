package dev.ublks3.storage.testing;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Counts the calls that reach the store underneath, and the most that were in flight at once. */
public final class CountingObjectStore extends ObjectStoreLayer {

    public final AtomicLong gets = new AtomicLong();
    public final AtomicLong puts = new AtomicLong();
    public final AtomicLong deletes = new AtomicLong();
    public final AtomicLong deleteBatches = new AtomicLong();
    public final AtomicLong deletedKeys = new AtomicLong();
    public final AtomicLong lists = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    public CountingObjectStore(ObjectStore next) {
        super(next);
    }

    public long total() {
        return gets.get() + puts.get() + deletes.get() + deleteBatches.get() + lists.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public void reset() {
        gets.set(0);
        puts.set(0);
        deletes.set(0);
        deleteBatches.set(0);
        deletedKeys.set(0);
        lists.set(0);
        maxInFlight.set(0);
    }

    private <T> CompletableFuture<T> track(AtomicLong counter, Supplier<CompletableFuture<T>> call) {
        counter.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        return call.get().whenComplete((v, e) -> inFlight.decrementAndGet());
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        return track(gets, () -> next.get(key, offset, into));
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        return track(puts, () -> next.put(key, data));
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return track(deletes, () -> next.delete(key));
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        deletedKeys.addAndGet(keys.size());
        return track(deleteBatches, () -> next.deleteObjects(keys));
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        return track(lists, () -> next.list(prefix, startAfter, continuationToken, maxKeys));
    }
}
