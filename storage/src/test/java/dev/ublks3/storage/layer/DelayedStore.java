package dev.ublks3.storage.layer;

import dev.ublks3.storage.Futures;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.testing.InterceptingStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Passes each GET on a fixed time later, and each PUT after another, on a test's scheduler; other calls at once.
 * For tests of what sits above a slow store, without real waiting; a slow link itself is emulated at the S3 server.
 */
public final class DelayedStore extends InterceptingStore {

    private final long getNanos;
    private final long putNanos;
    private final Scheduler scheduler;

    public DelayedStore(ObjectStore next, Duration getDelay, Duration putDelay, Scheduler scheduler) {
        super(next);
        this.getNanos = getDelay.toNanos();
        this.putNanos = putDelay.toNanos();
        this.scheduler = scheduler;
    }

    @Override
    protected <T> CompletableFuture<T> intercept(StoreCall call, String key, Supplier<CompletableFuture<T>> pass) {
        return switch (call) {
            case GET -> later(getNanos, pass);
            case PUT -> later(putNanos, pass);
            default -> pass.get();
        };
    }

    private <T> CompletableFuture<T> later(long nanos, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        scheduler.schedule(
                nanos,
                () -> Futures.call(call).whenComplete((value, error) -> {
                    if (error == null) {
                        result.complete(value);
                    } else {
                        result.completeExceptionally(error);
                    }
                }));
        return result;
    }
}
