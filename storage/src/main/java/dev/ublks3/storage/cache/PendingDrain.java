package dev.ublks3.storage.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * What one drain still waits for: each object dirty when it began, as of its last write then. Used under the
 * cache lock. {@link #done()} completes once nothing is left, and nothing is added after that.
 */
final class PendingDrain {

    /** An object the drain waits for: the slot holding it, the slot's incarnation and its last write then. */
    record Target(int slot, long incarnation, long lastWrite) {}

    private final List<Target> targets = new ArrayList<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    void add(int slot, long incarnation, long lastWrite) {
        targets.add(new Target(slot, incarnation, lastWrite));
    }

    CompletableFuture<Void> done() {
        return done;
    }

    /** Objects still to upload. */
    int objects() {
        return targets.size();
    }

    /** Drops the targets {@code over} says are uploaded or gone; true (and done) once none is left. */
    boolean settle(Predicate<Target> over) {
        targets.removeIf(over);
        if (targets.isEmpty()) {
            done.complete(null);
            return true;
        }
        return false;
    }
}
