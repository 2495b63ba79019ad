package dev.ublks3.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The order of the work on a device's objects, by block number. What always holds:
 *
 * <ul>
 *   <li>Mutations of one object run one after another in the order they were issued ({@link #mutate}); mutations
 *       of different objects proceed concurrently.</li>
 *   <li>A read waits for the mutations issued before it on its object ({@link #read}: read-your-writes).</li>
 *   <li>A range barrier ({@link #range}: a trim or zero of whole objects) waits for the mutations and barriers issued
 *       before it on objects of its range, and mutations and reads of the range issued after it wait for it.</li>
 *   <li>Every wait points at something registered earlier, under one lock: the waits form no cycle.</li>
 *   <li>A failed or throwing piece of work (even an Error) fails only its own future; what waits for it still runs.</li>
 *   <li>Nothing is kept for an idle object: a tail lives while its object has mutations queued or running, a
 *       barrier while it runs ({@link #queued()} is 0 when idle).</li>
 * </ul>
 */
public final class MutationOrder {

    /** The last queued mutation per object; it always completes normally. */
    private final ConcurrentHashMap<Long, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    /** Range barriers in progress. */
    private final Set<RangeBarrier> ranges = ConcurrentHashMap.newKeySet();
    /** Taken to register a tail or a barrier and collect what it waits for: every wait points at an earlier one. */
    private final Object registration = new Object();

    /** Runs {@code mutation} after every mutation and barrier issued before it on {@code block}. */
    public CompletableFuture<Void> mutate(long block, Supplier<CompletableFuture<Void>> mutation) {
        CompletableFuture<Void> tail = new CompletableFuture<>();
        List<CompletableFuture<Void>> before = new ArrayList<>(1);
        synchronized (registration) {
            CompletableFuture<Void> previous = tails.put(block, tail);
            if (previous != null) {
                before.add(previous);
            }
            addRangesCovering(block, block, before);
        }
        CompletableFuture<Void> result = after(before, mutation);
        result.whenComplete((ignored, error) -> {
            tails.remove(block, tail);
            tail.complete(null);
        });
        return result;
    }

    /** Runs {@code read} after the mutations and barriers issued before it on {@code block}; later ones need not wait. */
    public CompletableFuture<Void> read(long block, Supplier<CompletableFuture<Void>> read) {
        List<CompletableFuture<Void>> before = new ArrayList<>(1);
        CompletableFuture<Void> tail = tails.get(block);
        if (tail != null) {
            before.add(tail);
        }
        addRangesCovering(block, block, before);
        return after(before, read);
    }

    /**
     * Runs {@code work} on blocks {@code first..last} after the mutations and barriers issued before it on them;
     * mutations and reads of the range issued after it wait for it. Nothing per object of the range is kept.
     */
    public CompletableFuture<Void> range(long first, long last, Supplier<CompletableFuture<Void>> work) {
        RangeBarrier barrier = new RangeBarrier(first, last, new CompletableFuture<>());
        List<CompletableFuture<Void>> before = new ArrayList<>();
        synchronized (registration) {
            // tails holds only objects with mutations in flight: this loop is bounded by the work in flight
            tails.forEach((block, tail) -> {
                if (block >= first && block <= last) {
                    before.add(tail);
                }
            });
            addRangesCovering(first, last, before);
            ranges.add(barrier);
        }
        CompletableFuture<Void> result = after(before, work);
        result.whenComplete((ignored, error) -> {
            ranges.remove(barrier);
            barrier.done().complete(null);
        });
        return result;
    }

    /** Objects with mutations queued or running, plus barriers running. */
    public int queued() {
        return tails.size() + ranges.size();
    }

    /** A trim or zero of whole objects {@code first..last}; {@code done} always completes normally. */
    private record RangeBarrier(long first, long last, CompletableFuture<Void> done) {}

    private void addRangesCovering(long first, long last, List<CompletableFuture<Void>> into) {
        for (RangeBarrier range : ranges) {
            if (range.first() <= last && range.last() >= first) {
                into.add(range.done());
            }
        }
    }

    /** Runs {@code next} once everything in {@code before} has completed (they all complete normally). */
    private static CompletableFuture<Void> after(
            List<CompletableFuture<Void>> before, Supplier<CompletableFuture<Void>> next) {
        return switch (before.size()) {
            case 0 -> Futures.call(next);
            case 1 -> before.getFirst().thenCompose(ignored -> Futures.call(next));
            default ->
                CompletableFuture.allOf(before.toArray(CompletableFuture[]::new))
                        .thenCompose(ignored -> Futures.call(next));
        };
    }
}
