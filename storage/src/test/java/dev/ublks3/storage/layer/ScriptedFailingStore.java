package dev.ublks3.storage.layer;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import dev.ublks3.storage.StoreException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A test layer that fails the next calls with scripted error kinds, then passes through; it counts every call. */
public final class ScriptedFailingStore extends ObjectStoreLayer {

    private final Deque<StoreException.Kind> script = new ArrayDeque<>();
    private final AtomicInteger calls = new AtomicInteger();
    private int failures;

    public ScriptedFailingStore(ObjectStore next) {
        super(next);
    }

    /** The next {@code times} calls (of any type) fail with {@code kind}. */
    public synchronized ScriptedFailingStore failNext(int times, StoreException.Kind kind) {
        for (int i = 0; i < times; i++) {
            script.add(kind);
        }
        return this;
    }

    public int calls() {
        return calls.get();
    }

    private <T> CompletableFuture<T> call(String operation, String key, Supplier<CompletableFuture<T>> pass) {
        calls.incrementAndGet();
        StoreException.Kind kind;
        int n;
        synchronized (this) {
            kind = script.poll();
            n = kind == null ? 0 : ++failures;
        }
        if (kind == null) {
            return pass.get();
        }
        return CompletableFuture.failedFuture(
                new StoreException(kind, operation, key, 503, "scripted failure " + n + " (" + kind + ")", null));
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        return call("GET", key, () -> next.get(key, offset, into));
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        return call("PUT", key, () -> next.put(key, data));
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return call("DELETE", key, () -> next.delete(key));
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        return call("DELETE", null, () -> next.deleteObjects(keys));
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        return call("LIST", prefix, () -> next.list(prefix, startAfter, continuationToken, maxKeys));
    }
}
