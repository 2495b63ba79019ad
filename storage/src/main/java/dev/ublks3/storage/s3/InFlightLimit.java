package dev.ublks3.storage.s3;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Bounds the number of calls in flight without ever blocking: calls past the bound wait in a queue and start as
 * earlier ones complete.
 */
final class InFlightLimit {

    private final Semaphore permits;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    InFlightLimit(int maxInFlight) {
        this.permits = new Semaphore(maxInFlight);
    }

    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        waiting.add(() -> start(call, result));
        drain();
        return result;
    }

    int inFlight(int maxInFlight) {
        return maxInFlight - permits.availablePermits();
    }

    // A releaser frees its permit before looking at the queue and a submitter queues before taking a permit,
    // so a queued call is never left behind with a permit free.
    private void drain() {
        while (!waiting.isEmpty() && permits.tryAcquire()) {
            Runnable next = waiting.poll();
            if (next == null) {
                permits.release();
            } else {
                next.run();
            }
        }
    }

    private <T> void start(Supplier<CompletableFuture<T>> call, CompletableFuture<T> result) {
        CompletableFuture<T> started;
        try {
            started = call.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        started.whenComplete((value, error) -> {
            permits.release();
            drain();
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
    }
}
