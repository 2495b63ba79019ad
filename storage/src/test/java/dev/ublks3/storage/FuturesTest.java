package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The shared future helpers, driven with futures completed by hand. */
class FuturesTest {

    @Test
    void unwrapRemovesNestedWrappersButKeepsABareWrapper() {
        IOException cause = new IOException("down");
        assertSame(cause, Futures.unwrap(new CompletionException(new ExecutionException(cause))));
        assertSame(cause, Futures.unwrap(cause));
        CompletionException bare = new CompletionException("no cause", null);
        assertSame(bare, Futures.unwrap(bare));
    }

    @Test
    void callTurnsEvenAnErrorIntoAFailedFuture() {
        AssertionError thrown = new AssertionError("boom");
        CompletableFuture<Void> result = Futures.call(() -> {
            throw thrown;
        });
        assertTrue(result.isCompletedExceptionally());
        assertSame(
                thrown, result.handle((ignored, error) -> Futures.unwrap(error)).join());
    }

    @Test
    void allOfWaitsForEveryPartAndFailsWithTheFirstErrorUnwrapped() {
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        CompletableFuture<Void> c = new CompletableFuture<>();
        CompletableFuture<Void> all = Futures.allOf(List.of(a, b, c));
        IOException first = new IOException("first");
        b.completeExceptionally(new CompletionException(first));
        a.completeExceptionally(new IOException("second"));
        assertFalse(all.isDone(), "a part still runs: it may still write into the caller's buffer");
        c.complete(null);
        assertSame(first, all.handle((ignored, error) -> error).join());
    }

    @Test
    void allOfCompletesNormallyWhenEveryPartDoes() {
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        CompletableFuture<Void> all = Futures.allOf(List.of(a, b));
        a.complete(null);
        assertFalse(all.isDone());
        b.complete(null);
        assertTrue(all.isDone() && !all.isCompletedExceptionally());
    }
}
