package dev.ublks3.storage.layer;

import dev.ublks3.storage.Futures;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Passes each call on a fixed time later, on a test's scheduler: reads (GET, LIST) after one delay, writes (PUT,
 * DELETE, DeleteObjects) after another. For tests of what sits above a slow store, without real waiting; a slow
 * link itself is emulated at the S3 server.
 */
public final class DelayedStore extends ObjectStoreLayer {

    private final long readNanos;
    private final long writeNanos;
    private final Scheduler scheduler;

    public DelayedStore(ObjectStore next, Duration readDelay, Duration writeDelay, Scheduler scheduler) {
        super(next);
        this.readNanos = readDelay.toNanos();
        this.writeNanos = writeDelay.toNanos();
        this.scheduler = scheduler;
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        return later(readNanos, () -> next.get(key, offset, into));
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        return later(readNanos, () -> next.list(prefix, startAfter, continuationToken, maxKeys));
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        return later(writeNanos, () -> next.put(key, data));
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return later(writeNanos, () -> next.delete(key));
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        return later(writeNanos, () -> next.deleteObjects(keys));
    }

    private <T> CompletableFuture<T> later(long nanos, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        scheduler.schedule(nanos, () -> Futures.call(call).whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(error);
            }
        }));
        return result;
    }
}
