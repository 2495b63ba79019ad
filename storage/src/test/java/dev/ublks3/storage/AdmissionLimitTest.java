package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionLimitTest {

    /** Calls through a limit that stay in flight until the test completes them, in the order they started. */
    private static final class Calls {
        final AdmissionLimit limit;
        final List<CompletableFuture<Integer>> started = new ArrayList<>();
        final List<Integer> order = new ArrayList<>();

        Calls(long capacity) {
            limit = new AdmissionLimit(capacity);
        }

        CompletableFuture<Integer> submit(long weight, int id) {
            return limit.submit(weight, () -> {
                order.add(id);
                CompletableFuture<Integer> call = new CompletableFuture<>();
                started.add(call);
                return call;
            });
        }
    }

    @Test
    void callsPastTheLimitWaitAndStartAsEarlierOnesComplete() {
        Calls calls = new Calls(3);
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            results.add(calls.submit(1, i));
        }
        assertEquals(3, calls.started.size(), "only 3 in flight");
        assertEquals(7, calls.limit.waiting());
        calls.started.get(0).complete(0);
        assertEquals(4, calls.started.size());
        calls.started.get(1).completeExceptionally(new IllegalStateException("boom"));
        assertEquals(5, calls.started.size(), "a failure frees its slot too");
        assertTrue(results.get(1).isCompletedExceptionally());
        for (int i = 2; i < 10; i++) {
            calls.started.get(i).complete(i);
        }
        assertEquals(10, calls.started.size());
        assertEquals(9, results.get(9).join());
        assertEquals(0, calls.limit.inUse());
    }

    @Test
    void weightsAreCountedAndAHeavyHeadHoldsBackLightCallsBehindIt() {
        Calls calls = new Calls(10);
        calls.submit(6, 0);
        calls.submit(6, 1); // does not fit beside 0
        calls.submit(1, 2); // would fit, but came after 1: in order
        assertEquals(List.of(0), calls.order);
        assertEquals(6, calls.limit.inUse());
        calls.started.getFirst().complete(0);
        assertEquals(List.of(0, 1, 2), calls.order);
        assertEquals(7, calls.limit.inUse());
    }

    @Test
    void aCallHeavierThanTheCapacityRunsAlone() {
        Calls calls = new Calls(10);
        calls.submit(1, 0);
        CompletableFuture<Integer> heavy = calls.submit(1_000, 1);
        calls.submit(1, 2);
        assertEquals(List.of(0), calls.order);
        calls.started.getFirst().complete(0);
        assertEquals(List.of(0, 1), calls.order, "the heavy call starts once the limit is empty");
        assertEquals(10, calls.limit.inUse());
        calls.started.get(1).complete(1);
        assertEquals(1, heavy.join());
        assertEquals(List.of(0, 1, 2), calls.order);
    }

    @Test
    void aCallThatThrowsEvenAnErrorFailsItsResultAndFreesItsWeight() {
        AdmissionLimit limit = new AdmissionLimit(1);
        CompletableFuture<Integer> thrown = limit.submit(1, () -> {
            throw new OutOfMemoryError("test");
        });
        CompletionException e = assertThrows(CompletionException.class, thrown::join);
        assertTrue(e.getCause() instanceof OutOfMemoryError);
        assertEquals(0, limit.inUse());
        assertEquals(
                7, limit.submit(1, () -> CompletableFuture.completedFuture(7)).join());
    }

    @Test
    void callsThatCompleteAtOnceDoNotRecurseHoweverLongTheQueue() {
        Calls calls = new Calls(1);
        calls.submit(1, -1);
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            int id = i;
            results.add(calls.limit.submit(1, () -> CompletableFuture.completedFuture(id)));
        }
        calls.started.getFirst().complete(-1); // drains 100,000 calls that complete at once
        assertEquals(99_999, results.getLast().join());
        assertEquals(0, calls.limit.waiting());
    }

    @Test
    void noCallIsLeftBehindUnderConcurrency() throws Exception {
        AdmissionLimit limit = new AdmissionLimit(4);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        ExecutorService completer = Executors.newFixedThreadPool(3);
        ConcurrentLinkedQueue<CompletableFuture<Integer>> results = new ConcurrentLinkedQueue<>();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            submitters.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2000; i++) {
                    long weight = 1 + (i % 3);
                    results.add(limit.submit(weight, () -> {
                        maxSeen.accumulateAndGet(inFlight.addAndGet((int) weight), Math::max);
                        return CompletableFuture.supplyAsync(
                                () -> {
                                    inFlight.addAndGet((int) -weight);
                                    return 1;
                                },
                                completer);
                    }));
                }
            }));
        }
        for (Thread t : submitters) {
            t.join();
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        completer.shutdown();
        assertEquals(8000, results.size());
        assertTrue(maxSeen.get() <= 4, "max weight in flight " + maxSeen.get());
        assertEquals(0, limit.inUse());
    }
}
