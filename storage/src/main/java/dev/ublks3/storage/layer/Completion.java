package dev.ublks3.storage.layer;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Small helpers for layers that complete a future later than the call underneath. */
final class Completion {

    private Completion() {}

    /** Starts the call and completes {@code result} like it; a call that throws fails {@code result}. */
    static <T> void forward(Supplier<CompletableFuture<T>> call, CompletableFuture<T> result) {
        try {
            call.get().whenComplete((value, error) -> {
                if (error == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}
