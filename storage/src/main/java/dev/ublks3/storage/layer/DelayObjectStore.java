package dev.ublks3.storage.layer;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Adds a fixed latency to every store call, like nbdkit's delay filter ("sleep, then next"), but without holding
 * a thread: the call to {@code next} is scheduled {@code delay} later. Reads (GET, LIST) and writes (PUT, DELETE,
 * DeleteObjects) have their own delay, e.g. 20 ms each to make loopback S3 look like a cloud region.
 */
public final class DelayObjectStore extends ObjectStoreLayer {

    private final long readDelayNanos;
    private final long writeDelayNanos;
    private final Scheduler scheduler;

    public DelayObjectStore(ObjectStore next, Duration readDelay, Duration writeDelay) {
        this(next, readDelay, writeDelay, Scheduler.system());
    }

    public DelayObjectStore(ObjectStore next, Duration readDelay, Duration writeDelay, Scheduler scheduler) {
        super(next);
        if (readDelay.isNegative() || writeDelay.isNegative()) {
            throw new IllegalArgumentException("delay: delays must not be negative, got read " + readDelay
                    + ", write " + writeDelay);
        }
        this.readDelayNanos = readDelay.toNanos();
        this.writeDelayNanos = writeDelay.toNanos();
        this.scheduler = scheduler;
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        return delayed(StoreCall.GET, () -> next.get(key, offset, into));
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        return delayed(StoreCall.PUT, () -> next.put(key, data));
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return delayed(StoreCall.DELETE, () -> next.delete(key));
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        return delayed(StoreCall.DELETE_BATCH, () -> next.deleteObjects(keys));
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        return delayed(StoreCall.LIST, () -> next.list(prefix, startAfter, continuationToken, maxKeys));
    }

    private <T> CompletableFuture<T> delayed(StoreCall call, Supplier<CompletableFuture<T>> pass) {
        long delay = call.isRead() ? readDelayNanos : writeDelayNanos;
        if (delay == 0) {
            return pass.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        scheduler.schedule(delay, () -> Completion.forward(pass, result));
        return result;
    }
}
