package dev.ublks3.storage.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * What one drain still waits for: each object dirty when it began, as of its last write then. Used under the
 * cache lock. {@link #done()} completes once nothing is left, and nothing is added after that.
 */
final class PendingDrain {

    /** An object the drain waits for: the slot holding it, the slot's incarnation and its last write then. */
    record Target(int slot, long incarnation, long lastWrite) {}

    /** By slot: a slot holds one object, so a drain waits for at most one target per slot. */
    private final Map<Integer, Target> targets = new HashMap<>();

    private final CompletableFuture<Void> done = new CompletableFuture<>();

    void add(int slot, long incarnation, long lastWrite) {
        targets.put(slot, new Target(slot, incarnation, lastWrite));
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
        targets.values().removeIf(over);
        return doneIfEmpty();
    }

    /**
     * The same for the one target of {@code slot}, if any: what an upload of that slot settles, in O(1) however
     * large the drain (a drain of N objects would otherwise cost N checks per upload).
     */
    boolean settle(int slot, Predicate<Target> over) {
        Target t = targets.get(slot);
        if (t != null && over.test(t)) {
            targets.remove(slot);
        }
        return doneIfEmpty();
    }

    private boolean doneIfEmpty() {
        if (targets.isEmpty()) {
            done.complete(null);
            return true;
        }
        return false;
    }
}
