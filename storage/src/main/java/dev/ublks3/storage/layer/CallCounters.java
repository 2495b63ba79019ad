package dev.ublks3.storage.layer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a stats layer counts of every kind of call: successes, errors, bytes and the latency of successes. A layer
 * counting more extends it. Counting takes no lock.
 */
class CallCounters {
    final LongAdder ops = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LatencyRecorder latency = new LatencyRecorder();

    /**
     * Runs {@code call}: when it succeeds, records how long it took on {@code clock}, counts it, and hands its value
     * to {@code onSuccess}; when it throws or fails, counts an error instead.
     */
    <T> CompletableFuture<T> time(LongSupplier clock, Supplier<CompletableFuture<T>> call, Consumer<T> onSuccess) {
        long start = clock.getAsLong();
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            errors.increment();
            throw e;
        }
        return future.whenComplete((value, error) -> {
            if (error != null) {
                errors.increment();
            } else {
                latency.record(clock.getAsLong() - start);
                ops.increment();
                onSuccess.accept(value);
            }
        });
    }
}
