package dev.ublks3.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    @Test
    void callsPastTheLimitWaitAndStartAsEarlierOnesComplete() {
        InFlightLimit limit = new InFlightLimit(3);
        List<CompletableFuture<Integer>> started = new ArrayList<>();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            results.add(limit.submit(() -> {
                CompletableFuture<Integer> call = new CompletableFuture<>();
                started.add(call);
                return call;
            }));
        }
        assertEquals(3, started.size(), "only 3 in flight");
        started.get(0).complete(0);
        assertEquals(4, started.size());
        started.get(1).completeExceptionally(new IllegalStateException("boom"));
        assertEquals(5, started.size(), "a failure frees its slot too");
        assertTrue(results.get(1).isCompletedExceptionally());
        for (int i = 2; i < 10; i++) {
            started.get(i).complete(i);
        }
        assertEquals(10, started.size());
        assertEquals(9, results.get(9).join());
    }

    @Test
    void noCallIsLeftBehindUnderConcurrency() throws Exception {
        InFlightLimit limit = new InFlightLimit(4);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        ExecutorService completer = Executors.newFixedThreadPool(3);
        ConcurrentLinkedQueue<CompletableFuture<Integer>> results = new ConcurrentLinkedQueue<>();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            submitters.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2000; i++) {
                    results.add(limit.submit(() -> {
                        maxSeen.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        return CompletableFuture.supplyAsync(() -> {
                            inFlight.decrementAndGet();
                            return 1;
                        }, completer);
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
        assertTrue(maxSeen.get() <= 4, "max in flight " + maxSeen.get());
    }
}
