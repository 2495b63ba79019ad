package dev.ublks3.storage.testing;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import dev.ublks3.storage.layer.StoreCall;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** A test layer that sees every call on its way to the store underneath, in {@link #intercept}. */
public abstract class InterceptingStore extends ObjectStoreLayer {

    protected InterceptingStore(ObjectStore next) {
        super(next);
    }

    /**
     * Passes on (with {@code pass}) a call of kind {@code call} about {@code key} (a LIST's prefix, null for a batch
     * delete), or not: at once, later, or failed instead.
     */
    protected abstract <T> CompletableFuture<T> intercept(
            StoreCall call, String key, Supplier<CompletableFuture<T>> pass);

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        return intercept(StoreCall.GET, key, () -> next.get(key, offset, into));
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        return intercept(StoreCall.PUT, key, () -> next.put(key, data));
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return intercept(StoreCall.DELETE, key, () -> next.delete(key));
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        return intercept(StoreCall.DELETE_BATCH, null, () -> next.deleteObjects(keys));
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        return intercept(StoreCall.LIST, prefix, () -> next.list(prefix, startAfter, continuationToken, maxKeys));
    }
}
