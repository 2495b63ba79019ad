package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import dev.ublks3.storage.StoreException;
import dev.ublks3.storage.StoreException.Kind;
import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RetryObjectStoreTest {

    private final MemoryObjectStore memory = new MemoryObjectStore();
    private final ScriptedFailingStore failing = new ScriptedFailingStore(memory);
    private final ManualScheduler scheduler = new ManualScheduler();

    private RetryObjectStore retry(RetryPolicy policy, double random) {
        return new RetryObjectStore(failing, policy, scheduler, () -> random);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static StoreException failure(CompletableFuture<?> future) {
        CompletionException e = assertThrows(CompletionException.class, future::join);
        return assertInstanceOf(StoreException.class, e.getCause());
    }

    @Test
    void retryableFailuresAreRetriedUntilSuccess() {
        RetryObjectStore store = retry(RetryPolicy.DEFAULT, 0.5);
        failing.failNext(3, Kind.SERVER_ERROR);
        CompletableFuture<Void> put = store.put("k", bytes("data"));
        assertFalse(put.isDone(), "waits for its backoff on the scheduler, not on a thread");
        scheduler.runAll();
        put.join();
        assertEquals(4, failing.calls());
        assertEquals(3, store.retries(StoreCall.PUT));
        assertEquals(0, store.retries(StoreCall.GET));
        assertArrayEquals("data".getBytes(StandardCharsets.US_ASCII), memory.object("k"));
        // backoff doubles from 50 ms, scaled by the (fixed) jitter 0.5
        assertEquals(List.of(25_000_000L, 50_000_000L, 100_000_000L), scheduler.delays());
    }

    @Test
    void everyCallTypeIsRetriedAndCounted() {
        RetryObjectStore store = retry(RetryPolicy.DEFAULT, 0.0);
        memory.put("a/1", bytes("x")).join();
        failing.failNext(1, Kind.THROTTLED);
        assertEquals(List.of("a/1"), store.list("a/", null, null, 10).join().keys());
        failing.failNext(1, Kind.CONNECTION);
        assertEquals(
                ObjectStore.ReadOutcome.FOUND,
                store.get("a/1", 0, ByteBuffer.allocate(1)).join());
        failing.failNext(2, Kind.TIMEOUT);
        store.deleteObjects(List.of("a/1")).join();
        failing.failNext(1, Kind.SERVER_ERROR);
        store.delete("a/1").join();
        assertEquals(1, store.retries(StoreCall.LIST));
        assertEquals(1, store.retries(StoreCall.GET));
        assertEquals(2, store.retries(StoreCall.DELETE_BATCH));
        assertEquals(1, store.retries(StoreCall.DELETE));
        assertEquals(List.of(), memory.keys());
    }

    @Test
    void nonRetryableErrorFailsAtOnceUnchanged() {
        RetryObjectStore store = retry(RetryPolicy.DEFAULT, 0.5);
        failing.failNext(1, Kind.ACCESS_DENIED);
        StoreException e = failure(store.put("k", bytes("x")));
        assertEquals(Kind.ACCESS_DENIED, e.kind());
        assertEquals("scripted failure 1 (ACCESS_DENIED)", e.getMessage());
        assertEquals(1, failing.calls());
        assertEquals(0, scheduler.pending());
        assertEquals(0, store.retries(StoreCall.PUT));
    }

    @Test
    void nonRetryableErrorAfterRetriesStopsAndKeepsTheFirstError() {
        RetryObjectStore store = retry(RetryPolicy.DEFAULT, 0.5);
        failing.failNext(1, Kind.SERVER_ERROR).failNext(1, Kind.NO_SUCH_BUCKET);
        CompletableFuture<Void> put = store.put("k", bytes("x"));
        scheduler.runAll();
        StoreException e = failure(put);
        assertEquals(2, failing.calls());
        assertEquals(Kind.NO_SUCH_BUCKET, e.kind());
        assertTrue(e.getMessage().contains("after 2 attempts"), e.getMessage());
        assertTrue(e.getMessage().contains("first error: scripted failure 1 (SERVER_ERROR)"), e.getMessage());
        assertTrue(e.getMessage().contains("last error: scripted failure 2 (NO_SUCH_BUCKET)"), e.getMessage());
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheFirstErrorAndTheCount() {
        RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMinutes(1));
        RetryObjectStore store = retry(policy, 0.5);
        failing.failNext(10, Kind.THROTTLED);
        CompletableFuture<ObjectStore.ReadOutcome> get = store.get("k", 0, ByteBuffer.allocate(1));
        scheduler.runAll();
        StoreException e = failure(get);
        assertEquals(4, failing.calls());
        assertEquals(3, store.retries(StoreCall.GET));
        assertEquals(Kind.THROTTLED, e.kind());
        assertTrue(e.getMessage().startsWith("GET k: gave up after 4 attempts"), e.getMessage());
        assertTrue(e.getMessage().contains("first error: scripted failure 1 (THROTTLED)"), e.getMessage());
        assertEquals("scripted failure 1 (THROTTLED)", e.getCause().getMessage());
        assertEquals("scripted failure 4 (THROTTLED)", e.getSuppressed()[0].getMessage());
    }

    @Test
    void retriesUntilTheRetryTimeIsSpentCuttingTheLastWait() {
        // backoffs of (almost) 1 s each from the first failure at 0: retries at ~1, ~2, ~3 s, then one cut to
        // the 0.5 s left of the 3.5 s retry time; the failure at 3.5 s ends it
        RetryPolicy policy =
                new RetryPolicy(100, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(3500));
        RetryObjectStore store = retry(policy, 0.999_999);
        failing.failNext(1000, Kind.SERVER_ERROR);
        long start = scheduler.nanoTime();
        CompletableFuture<Void> delete = store.delete("k");
        scheduler.runAll();
        StoreException e = failure(delete);
        assertEquals(5, failing.calls());
        assertEquals(Duration.ofMillis(3500).toNanos(), scheduler.nanoTime() - start);
        assertTrue(
                e.getMessage().contains("gave up (time limit PT3.5S) after 5 attempts, 3.500 s of retrying"),
                e.getMessage());
    }

    @Test
    void anAttemptThatRanLongerThanTheRetryTimeIsStillRetried() {
        // the first attempt takes 2 minutes and times out: the 60 s retry time starts only then
        ObjectStore slowFirst = new ObjectStoreLayer(memory) {
            int calls;

            @Override
            public CompletableFuture<Void> put(String key, ByteBuffer data) {
                if (calls++ == 0) {
                    scheduler.advance(Duration.ofMinutes(2));
                    return CompletableFuture.failedFuture(new StoreException(Kind.TIMEOUT, "PUT", key, "timed out"));
                }
                return super.put(key, data);
            }
        };
        RetryObjectStore store = new RetryObjectStore(slowFirst, RetryPolicy.DEFAULT, scheduler, () -> 0.5);
        CompletableFuture<Void> put = store.put("k", bytes("data"));
        scheduler.runAll();
        put.join();
        assertEquals(1, store.retries(StoreCall.PUT));
        assertArrayEquals("data".getBytes(StandardCharsets.US_ASCII), memory.object("k"));
    }

    @Test
    void theDefaultRetryTimeIsEndedByTimeNotByACountOfAttempts() {
        // failures that come at once, with the smallest jitter: hundreds of attempts in the minute
        RetryObjectStore store = retry(RetryPolicy.DEFAULT, 0.01);
        failing.failNext(100_000, Kind.CONNECTION);
        long start = scheduler.nanoTime();
        CompletableFuture<Void> put = store.put("k", bytes("x"));
        scheduler.runAll();
        StoreException e = failure(put);
        assertTrue(failing.calls() > 1000, "attempts: " + failing.calls());
        assertEquals(Duration.ofSeconds(60).toNanos(), scheduler.nanoTime() - start);
        assertTrue(e.getMessage().contains("gave up (time limit PT1M)"), e.getMessage());
    }

    @Test
    void fullJitterStaysWithinTheDoublingCeiling() {
        RetryPolicy policy = new RetryPolicy(8, Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMinutes(1));
        Random random = new Random(42);
        RetryObjectStore store = new RetryObjectStore(failing, policy, scheduler, random::nextDouble);
        for (int request = 0; request < 50; request++) {
            failing.failNext(7, Kind.SERVER_ERROR);
            CompletableFuture<Void> put = store.put("k", bytes("x"));
            scheduler.runAll();
            put.join();
        }
        List<Long> delays = scheduler.delays();
        assertEquals(50 * 7, delays.size());
        long[] ceilings = {50, 100, 200, 400, 400, 400, 400};
        boolean belowHalf = false;
        boolean aboveHalf = false;
        for (int i = 0; i < delays.size(); i++) {
            long ceiling = ceilings[i % 7] * 1_000_000L;
            long delay = delays.get(i);
            assertTrue(delay >= 0 && delay <= ceiling, "delay " + delay + " outside [0, " + ceiling + "]");
            belowHalf |= delay < ceiling / 2;
            aboveHalf |= delay > ceiling / 2;
        }
        assertTrue(belowHalf && aboveHalf, "jitter spreads over the whole range");
    }

    @Test
    void eachGetAttemptWritesFromTheCallersPosition() {
        memory.put("k", bytes("abcd")).join();
        // a flaky store that scribbles on the buffer before failing, the first time only
        ObjectStore scribbling = new ObjectStoreLayer(memory) {
            boolean failed;

            @Override
            public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
                if (!failed) {
                    failed = true;
                    into.put((byte) '!').put((byte) '!');
                    return CompletableFuture.failedFuture(new StoreException(Kind.CONNECTION, "GET", key, "reset"));
                }
                return super.get(key, offset, into);
            }
        };
        RetryObjectStore store = new RetryObjectStore(scribbling, RetryPolicy.DEFAULT, scheduler, () -> 0.0);
        ByteBuffer into = ByteBuffer.allocate(5);
        into.position(1).limit(4);
        store.get("k", 1, into).join();
        assertArrayEquals(new byte[] {0, 'b', 'c', 'd', 0}, into.array());
        assertEquals(4, into.position());
    }

    @Test
    void unexpectedExceptionsAreNotRetried() {
        IllegalStateException bug = new IllegalStateException("bug");
        ObjectStore throwing = new ObjectStoreLayer(memory) {
            @Override
            public CompletableFuture<Void> delete(String key) {
                throw bug;
            }
        };
        RetryObjectStore store = new RetryObjectStore(throwing, RetryPolicy.DEFAULT, scheduler, () -> 0.5);
        CompletionException e =
                assertThrows(CompletionException.class, () -> store.delete("k").join());
        assertSame(bug, e.getCause());
        assertEquals(0, store.retries(StoreCall.DELETE));
    }

    @Test
    void policyCeilingsDoubleAndCapWithoutOverflow() {
        RetryPolicy policy = RetryPolicy.DEFAULT;
        assertEquals(50_000_000L, policy.backoffCeilingNanos(1));
        assertEquals(100_000_000L, policy.backoffCeilingNanos(2));
        assertEquals(3_200_000_000L, policy.backoffCeilingNanos(7));
        assertEquals(5_000_000_000L, policy.backoffCeilingNanos(8));
        assertEquals(5_000_000_000L, policy.backoffCeilingNanos(1_000));
        assertEquals(0, RetryPolicy.NONE.backoffCeilingNanos(3));
        assertThrows(
                IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO));
    }

    @Test
    void realTimeBackoffTakesAtLeastItsWaits() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(10));
        RetryObjectStore store = new RetryObjectStore(failing, policy, Scheduler.system(), () -> 0.999);
        failing.failNext(2, Kind.TIMEOUT);
        long start = System.nanoTime();
        store.put("k", bytes("x")).join();
        assertTrue(System.nanoTime() - start >= 29_000_000L, "waits of 9.99 ms and 19.98 ms");
        assertEquals(3, failing.calls());
    }

    @Test
    void policyNoneMeansOneAttempt() {
        RetryObjectStore store = retry(RetryPolicy.NONE, 0.5);
        failing.failNext(1, Kind.SERVER_ERROR);
        StoreException e = failure(store.put("k", bytes("x")));
        assertEquals(1, failing.calls());
        assertEquals("scripted failure 1 (SERVER_ERROR)", e.getMessage(), "nothing retried: the error as it came");
    }
}
