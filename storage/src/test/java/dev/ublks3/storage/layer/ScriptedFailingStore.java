package dev.ublks3.storage.layer;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.testing.InterceptingStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A test layer that fails the next calls with scripted error kinds, then passes through; it counts every call. */
public final class ScriptedFailingStore extends InterceptingStore {

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

    @Override
    protected <T> CompletableFuture<T> intercept(StoreCall call, String key, Supplier<CompletableFuture<T>> pass) {
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
        String operation = call == StoreCall.DELETE_BATCH ? "DELETE" : call.name(); // a batch fails as a DELETE
        return CompletableFuture.failedFuture(
                new StoreException(kind, operation, key, 503, "scripted failure " + n + " (" + kind + ")", null));
    }
}
