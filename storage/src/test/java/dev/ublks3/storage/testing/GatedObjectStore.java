package dev.ublks3.storage.testing;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** Holds every PUT (and, if asked, every GET) until {@link #open()}: to see what waits for what. */
public final class GatedObjectStore extends ObjectStoreLayer {

    private final boolean gateGets;
    private volatile CompletableFuture<Void> gate = new CompletableFuture<>();

    public GatedObjectStore(ObjectStore next, boolean gateGets) {
        super(next);
        this.gateGets = gateGets;
    }

    /** Lets held and later calls through. */
    public void open() {
        gate.complete(null);
    }

    /** Holds later calls again. */
    public void shut() {
        gate = new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        return gate.thenCompose(ignored -> next.put(key, data));
    }

    @Override
    public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
        return gateGets ? gate.thenCompose(ignored -> next.get(key, offset, into)) : next.get(key, offset, into);
    }
}
