package dev.ublks3.storage.testing;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Holds every DELETE and DeleteObjects until the test releases it (other calls pass): to see which deletes are sent
 * while others are in flight, and what waits for them. A released request runs on the releasing thread.
 */
public final class HeldDeletes extends ObjectStoreLayer {

    private record Held(List<String> keys, CompletableFuture<Void> gate) {}

    private final List<Held> held = new ArrayList<>(); // guarded by itself
    private volatile boolean holding = true;

    public HeldDeletes(ObjectStore next) {
        super(next);
    }

    /** Lets later deletes through at once, or holds them again; held ones stay held. */
    public void holding(boolean holding) {
        this.holding = holding;
    }

    /** Requests held now. */
    public int held() {
        synchronized (held) {
            return held.size();
        }
    }

    /** The keys of each request held now, oldest first. */
    public List<List<String>> heldKeys() {
        synchronized (held) {
            return held.stream().map(Held::keys).toList();
        }
    }

    /** Sends the held requests whose keys match (not those held while they run); returns how many. */
    public int release(Predicate<List<String>> which) {
        List<Held> released = new ArrayList<>();
        synchronized (held) {
            held.removeIf(h -> which.test(h.keys()) && released.add(h));
        }
        released.forEach(h -> h.gate().complete(null));
        return released.size();
    }

    /** Sends the request held longest, if any; returns whether there was one. */
    public boolean releaseOldest() {
        Held oldest;
        synchronized (held) {
            if (held.isEmpty()) {
                return false;
            }
            oldest = held.removeFirst();
        }
        oldest.gate().complete(null);
        return true;
    }

    /** Sends held requests, and those held while they run, until none is held. */
    public void releaseAll() {
        while (release(keys -> true) > 0) {
            // a released request may complete a caller who deletes again
        }
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return hold(List.of(key)).thenCompose(ignored -> next.delete(key));
    }

    @Override
    public CompletableFuture<Void> deleteObjects(List<String> keys) {
        return hold(List.copyOf(keys)).thenCompose(ignored -> next.deleteObjects(keys));
    }

    private CompletableFuture<Void> hold(List<String> keys) {
        if (!holding) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> gate = new CompletableFuture<>();
        synchronized (held) {
            held.add(new Held(keys, gate));
        }
        return gate;
    }
}
