package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ublks3.storage.StoreException.Kind;
import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StatsObjectStoreTest {

    private final MemoryObjectStore memory = new MemoryObjectStore();
    private final ScriptedFailingStore failing = new ScriptedFailingStore(memory);
    private final ManualScheduler scheduler = new ManualScheduler();

    private static StoreCallStats of(StatsObjectStore stats, StoreCall call) {
        return stats.snapshot().get(call.ordinal());
    }

    @Test
    void countsCallsBytesAndObjectsPerCallType() {
        StatsObjectStore stats = new StatsObjectStore(memory);
        stats.put("d/1", ByteBuffer.allocate(100)).join();
        stats.put("d/2", ByteBuffer.allocate(50)).join();
        stats.get("d/1", 10, ByteBuffer.allocate(40)).join();
        stats.get("d/missing", 0, ByteBuffer.allocate(40)).join();
        stats.list("d/", null, null, 1000).join();
        stats.delete("d/1").join();
        stats.deleteObjects(List.of("d/2", "d/3", "d/4")).join();

        List<StoreCallStats> all = stats.snapshot();
        assertEquals(
                List.of(StoreCall.values()),
                all.stream().map(StoreCallStats::call).toList());
        StoreCallStats put = of(stats, StoreCall.PUT);
        assertEquals(2, put.ops());
        assertEquals(150, put.bytes());
        assertEquals(2, put.objects());
        StoreCallStats get = of(stats, StoreCall.GET);
        assertEquals(2, get.ops());
        assertEquals(40, get.bytes(), "an absent object moves no bytes");
        assertEquals(1, get.objects(), "one found, one absent");
        assertEquals(2, of(stats, StoreCall.LIST).objects());
        assertEquals(1, of(stats, StoreCall.DELETE).objects());
        assertEquals(3, of(stats, StoreCall.DELETE_BATCH).objects());
        assertEquals(1, of(stats, StoreCall.DELETE_BATCH).ops());
        assertEquals(0, get.retries());
    }

    @Test
    void errorsAreCountedApartFromSuccesses() {
        StatsObjectStore stats = new StatsObjectStore(failing);
        failing.failNext(2, Kind.ACCESS_DENIED);
        assertThrows(
                CompletionException.class,
                () -> stats.put("k", ByteBuffer.allocate(10)).join());
        assertThrows(
                CompletionException.class,
                () -> stats.put("k", ByteBuffer.allocate(10)).join());
        stats.put("k", ByteBuffer.allocate(10)).join();
        StoreCallStats put = of(stats, StoreCall.PUT);
        assertEquals(1, put.ops());
        assertEquals(2, put.errors());
        assertEquals(10, put.bytes());
        assertEquals(1, put.latency().count());
    }

    @Test
    void retriesComeFromTheRetryLayerUnderneath() {
        RetryObjectStore retry = new RetryObjectStore(failing, RetryPolicy.DEFAULT, scheduler, () -> 0.5);
        StatsObjectStore stats = new StatsObjectStore(retry, retry::retries, scheduler::nanoTime);
        memory.put("k", ByteBuffer.allocate(8)).join();
        failing.failNext(2, Kind.SERVER_ERROR);
        CompletableFuture<?> get = stats.get("k", 0, ByteBuffer.allocate(8));
        scheduler.runAll();
        get.join();
        StoreCallStats s = of(stats, StoreCall.GET);
        assertEquals(1, s.ops());
        assertEquals(0, s.errors());
        assertEquals(2, s.retries());
        // the latency above retry includes the backoffs: 25 ms + 50 ms on the manual clock
        assertEquals(75_000_000L, s.totalNanos());
        assertEquals(75_000_000L, s.latency().max(), 75_000);
    }

    @Test
    void latencyAboveASlowStoreShowsItsDelay() {
        DelayedStore delay = new DelayedStore(memory, Duration.ofMillis(20), Duration.ofMillis(30), scheduler);
        StatsObjectStore stats = new StatsObjectStore(delay, call -> 0, scheduler::nanoTime);
        CompletableFuture<Void> put = stats.put("k", ByteBuffer.allocate(1));
        CompletableFuture<?> get = stats.get("k", 0, ByteBuffer.allocate(1));
        scheduler.runAll();
        put.join();
        get.join();
        assertEquals(30_000_000L, of(stats, StoreCall.PUT).latency().p50(), 30_000);
        assertEquals(20_000_000L, of(stats, StoreCall.GET).latency().p50(), 20_000);
    }
}
