package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The ordering of work on objects, alone: each piece of work is a future the test completes by hand. */
class MutationOrderTest {

    private final MutationOrder order = new MutationOrder();
    private final List<String> started = new ArrayList<>();

    /** Work that records its start and completes when the test completes the returned gate. */
    private Supplier<CompletableFuture<Void>> work(String name, CompletableFuture<Void> gate) {
        return () -> {
            started.add(name);
            return gate;
        };
    }

    @Test
    void mutationsOfOneObjectRunInIssueOrderAndOtherObjectsDoNotWait() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        CompletableFuture<Void> other = new CompletableFuture<>();
        order.mutate(7, work("first", first));
        CompletableFuture<Void> secondDone = order.mutate(7, work("second", second));
        order.mutate(8, work("other", other));
        assertEquals(List.of("first", "other"), started);
        first.complete(null);
        assertEquals(List.of("first", "other", "second"), started);
        second.complete(null);
        assertTrue(secondDone.isDone());
    }

    @Test
    void aFailedOrThrowingMutationFailsOnlyItselfAndTheNextOneRuns() {
        CompletableFuture<Void> failing = new CompletableFuture<>();
        CompletableFuture<Void> failed = order.mutate(1, work("failing", failing));
        CompletableFuture<Void> thrown = order.mutate(1, () -> {
            throw new AssertionError("boom");
        });
        CompletableFuture<Void> next = order.mutate(1, work("next", CompletableFuture.completedFuture(null)));
        failing.completeExceptionally(new IllegalStateException("down"));
        assertTrue(failed.isCompletedExceptionally());
        assertTrue(thrown.isCompletedExceptionally());
        assertTrue(next.isDone() && !next.isCompletedExceptionally());
        assertEquals(List.of("failing", "next"), started);
    }

    @Test
    void aReadWaitsForEarlierMutationsButNotForLaterOnes() {
        CompletableFuture<Void> write = new CompletableFuture<>();
        order.mutate(3, work("write", write));
        order.read(3, work("read", CompletableFuture.completedFuture(null)));
        assertEquals(List.of("write"), started);
        write.complete(null);
        assertEquals(List.of("write", "read"), started);

        CompletableFuture<Void> read = new CompletableFuture<>();
        order.read(3, work("read2", read));
        order.mutate(3, work("write2", new CompletableFuture<>()));
        assertEquals(List.of("write", "read", "read2", "write2"), started);
    }

    @Test
    void aRangeWaitsForEarlierMutationsOfItsRangeAndLaterWorkOfTheRangeWaitsForIt() {
        CompletableFuture<Void> inside = new CompletableFuture<>();
        CompletableFuture<Void> trim = new CompletableFuture<>();
        order.mutate(5, work("inside", inside));
        order.mutate(20, work("outside", new CompletableFuture<>()));
        order.range(0, 9, work("trim", trim));
        order.mutate(9, work("after-write", CompletableFuture.completedFuture(null)));
        order.read(0, work("after-read", CompletableFuture.completedFuture(null)));
        order.range(9, 12, work("overlapping-trim", CompletableFuture.completedFuture(null)));
        order.mutate(10, work("beyond", CompletableFuture.completedFuture(null)));
        assertEquals(List.of("inside", "outside"), started);
        inside.complete(null);
        assertEquals(List.of("inside", "outside", "trim"), started);
        trim.complete(null);
        assertEquals(7, started.size(), "everything after the trim ran: " + started);
        // the overlapping trim waits for the write of block 9 issued before it, block 10's write for that trim
        assertTrue(started.indexOf("after-write") < started.indexOf("overlapping-trim"), started::toString);
        assertTrue(started.indexOf("overlapping-trim") < started.indexOf("beyond"), started::toString);
    }

    @Test
    void nothingIsKeptOnceIdle() {
        CompletableFuture<Void> write = new CompletableFuture<>();
        CompletableFuture<Void> trim = new CompletableFuture<>();
        order.mutate(1, work("write", write));
        order.range(0, 1000, work("trim", trim));
        order.read(1, work("read", CompletableFuture.completedFuture(null)));
        assertEquals(2, order.queued());
        write.complete(null);
        trim.completeExceptionally(new IllegalStateException("down"));
        assertEquals(0, order.queued());
        assertFalse(started.isEmpty());
    }
}
