package dev.ublks3.storage.testing;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.layer.StoreCall;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Counts the calls that reach the store underneath, and the most that were in flight at once. */
public final class CountingObjectStore extends InterceptingStore {

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

    @Override
    protected <T> CompletableFuture<T> intercept(StoreCall call, String key, Supplier<CompletableFuture<T>> pass) {
        AtomicLong counter = switch (call) {
            case GET -> gets;
            case PUT -> puts;
            case DELETE -> deletes;
            case DELETE_BATCH -> deleteBatches;
            case LIST -> lists;
        };
        counter.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        return pass.get().whenComplete((v, e) -> inFlight.decrementAndGet());
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        deletedKeys.addAndGet(keys.size());
        return super.deleteObjects(keys);
    }
}
