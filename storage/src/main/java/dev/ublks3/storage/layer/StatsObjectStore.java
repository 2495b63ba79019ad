package dev.ublks3.storage.layer;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Counts store calls by type (GET, PUT, LIST, DELETE, DeleteObjects): calls, errors, bytes, objects and latency
 * percentiles of successes, plus the retries counted by a retry layer underneath. Placed above retry, it
 * measures what the object map waits for. Recording takes no lock.
 */
public final class StatsObjectStore extends ObjectStoreLayer {

    private final ToLongFunction<StoreCall> retries;
    private final LongSupplier nanoClock;
    private final Map<StoreCall, Counters> counters = new EnumMap<>(StoreCall.class);

    /** Without a retry layer underneath: retries read as 0. */
    public StatsObjectStore(ObjectStore next) {
        this(next, call -> 0, System::nanoTime);
    }

    /** @param retries per call type, e.g. {@code retryLayer::retries} */
    public StatsObjectStore(ObjectStore next, ToLongFunction<StoreCall> retries, LongSupplier nanoClock) {
        super(next);
        this.retries = retries;
        this.nanoClock = nanoClock;
        for (StoreCall call : StoreCall.values()) {
            counters.put(call, new Counters());
        }
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        long bytes = into.remaining();
        return timed(
                StoreCall.GET,
                () -> next.get(key, offset, into),
                outcome -> outcome == ReadOutcome.FOUND ? bytes : 0,
                outcome -> outcome == ReadOutcome.FOUND ? 1 : 0);
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        long bytes = data.remaining();
        return timed(StoreCall.PUT, () -> next.put(key, data), v -> bytes, v -> 1);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return timed(StoreCall.DELETE, () -> next.delete(key), v -> 0, v -> 1);
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        int n = keys.size();
        return timed(StoreCall.DELETE_BATCH, () -> next.deleteObjects(keys), v -> 0, v -> n);
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, String continuationToken, int maxKeys) {
        return timed(
                StoreCall.LIST,
                () -> next.list(prefix, startAfter, continuationToken, maxKeys),
                page -> 0,
                page -> page.keys().size());
    }

    /** Every call type's counters, in {@link StoreCall} order. */
    public List<StoreCallStats> snapshot() {
        return counters.entrySet().stream()
                .map(e -> e.getValue().snapshot(e.getKey(), retries))
                .toList();
    }

    private <T> CompletableFuture<T> timed(
            StoreCall call, Supplier<CompletableFuture<T>> pass, ToLongFunction<T> bytes, ToLongFunction<T> objects) {
        Counters c = counters.get(call);
        return c.time(nanoClock, pass, value -> {
            c.bytes.add(bytes.applyAsLong(value));
            c.objects.add(objects.applyAsLong(value));
        });
    }

    private static final class Counters extends CallCounters {
        final LongAdder objects = new LongAdder();

        StoreCallStats snapshot(StoreCall call, ToLongFunction<StoreCall> retries) {
            LatencySummary summary = latency.summary();
            return new StoreCallStats(
                    call,
                    ops.sum(),
                    errors.sum(),
                    retries.applyAsLong(call),
                    bytes.sum(),
                    objects.sum(),
                    latency.totalNanos(),
                    summary);
        }
    }
}
