package dev.ublks3.storage;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** The few future helpers the request path shares: one copy each, so every layer unwraps and fails alike. */
public final class Futures {

    private Futures() {}

    /** The error a future failed with, without the CompletionException/ExecutionException wrappers around it. */
    public static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * The future {@code supplier} returns, or a future failed with what it threw, even an Error: work that throws
     * instead of failing its future must still complete, or whatever waits for it waits for good.
     */
    public static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> supplier) {
        try {
            return supplier.get();
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Completes when every part has completed (so no part still writes into a caller's buffer), failing with the
     * first part's error, unwrapped.
     */
    public static CompletableFuture<Void> allOf(List<CompletableFuture<Void>> parts) {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        for (CompletableFuture<Void> part : parts) {
            part.whenComplete((ignored, error) -> {
                if (error != null) {
                    firstError.compareAndSet(null, unwrap(error));
                }
            });
        }
        CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            Throwable first = firstError.get();
            if (first == null && error != null) {
                first = unwrap(error);
            }
            if (first != null) {
                result.completeExceptionally(first);
            } else {
                result.complete(null);
            }
        });
        return result;
    }
}
