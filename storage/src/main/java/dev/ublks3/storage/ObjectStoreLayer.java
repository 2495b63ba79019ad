package dev.ublks3.storage;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Base of a layer in nbdkit's filter spirit: every call passes through to {@code next} unless the layer
 * overrides it. A layer overrides only what it changes.
 */
public abstract class ObjectStoreLayer implements ObjectStore {

    protected final ObjectStore next;

    protected ObjectStoreLayer(ObjectStore next) {
        this.next = next;
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        return next.get(key, offset, into);
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        return next.put(key, data);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return next.delete(key);
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        return next.deleteObjects(keys);
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        return next.list(prefix, startAfter, continuationToken, maxKeys);
    }

    @Override
    public void close() {
        next.close();
    }
}
