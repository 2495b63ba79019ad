package dev.ublks3.storage.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ublks3.storage.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The failure of a store call, as a user sees it: a StoreException with a one-line message. */
public final class StoreFailures {

    private StoreFailures() {}

    /** Waits for {@code call}, which must fail with a StoreException whose message is one line; returns it. */
    public static StoreException oneLine(CompletableFuture<?> call) {
        CompletionException e = assertThrows(CompletionException.class, call::join);
        StoreException store = assertInstanceOf(StoreException.class, e.getCause(), () -> "cause of " + e);
        assertFalse(store.getMessage().contains("\n"), "one line: " + store.getMessage());
        return store;
    }
}
