package dev.ublks3.storage;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Starts asynchronous calls in the order they were submitted while the sum of the weights of those running fits a
 * capacity: requests in flight (weight 1), bytes in flight (weight = the bytes), memory held. It never blocks: a
 * call that does not fit waits in a queue and starts when earlier ones complete. Strictly first in, first out: a
 * heavy call at the head holds back light ones behind it, so a slow link serves requests in the order they came
 * instead of starving the big ones. A call heavier than the whole capacity counts as the capacity (it runs alone).
 */
public final class AdmissionLimit {

    private record Waiting(long weight, Runnable start) {}

    private final long capacity;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>(); // guarded by this
    private long inUse; // guarded by this
    private boolean draining; // guarded by this

    public AdmissionLimit(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("an admission limit's capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    public long capacity() {
        return capacity;
    }

    /** The weight of the calls started and not yet completed. */
    public synchronized long inUse() {
        return inUse;
    }

    /** Calls waiting to start. */
    public synchronized int waiting() {
        return queue.size();
    }

    /**
     * Starts {@code call} once everything submitted before it has started and its weight fits; the result completes
     * as the call's future does (a call that throws, even an Error, fails the result and frees its weight).
     */
    public <T> CompletableFuture<T> submit(long weight, Supplier<CompletableFuture<T>> call) {
        long charged = Math.clamp(weight, 0, capacity);
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (this) {
            queue.add(new Waiting(charged, () -> start(charged, call, result)));
        }
        drain();
        return result;
    }

    /**
     * Starts the calls at the head of the queue that fit. One thread drains at a time, and a drain asked for while
     * one runs (a call that completed at once, on the draining thread) is left to it: no recursion however long
     * the queue, and the check and the flag are under one lock, so no call is left waiting with room free.
     */
    private void drain() {
        while (true) {
            Waiting next;
            synchronized (this) {
                if (draining) {
                    return;
                }
                next = queue.peek();
                if (next == null || inUse + next.weight() > capacity) {
                    return;
                }
                queue.poll();
                inUse += next.weight();
                draining = true;
            }
            try {
                next.start().run();
            } finally {
                synchronized (this) {
                    draining = false;
                }
            }
        }
    }

    private <T> void start(long weight, Supplier<CompletableFuture<T>> call, CompletableFuture<T> result) {
        Futures.call(call).whenComplete((value, error) -> {
            synchronized (this) {
                inUse -= weight;
            }
            drain();
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
    }
}
