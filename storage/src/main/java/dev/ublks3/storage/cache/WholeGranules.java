package dev.ublks3.storage.cache;

import dev.ublks3.storage.BlockDevice;
import dev.ublks3.storage.Futures;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A writeback write made whole granules, since the cache never holds part of one: the write's bytes, and where
 * it covers a granule only in part, the rest of that granule from the cache (checked) or else from the store.
 * The rest of a dirty granule never comes from the store (the cache's copy is the current one): one that fails
 * its check fails the write.
 */
final class WholeGranules extends CacheWork {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final BlockDevice store;

    WholeGranules(BlockDevice store, Parts parts) {
        super(parts);
        this.store = store;
    }

    /** Granules {@code g0..gEnd} of {@code block} with {@code part} at {@code inObject}; the slot is held. */
    CompletableFuture<ByteBuffer> of(long block, int slot, int g0, int gEnd, int inObject, ByteBuffer part) {
        int size = granules.size;
        int end = inObject + part.remaining();
        if (inObject % size == 0 && end % size == 0) {
            return CompletableFuture.completedFuture(part);
        }
        ByteBuffer data = ByteBuffer.allocate((gEnd - g0) * size);
        List<CompletableFuture<Void>> edges = new ArrayList<>(2);
        edges.add(load(block, slot, g0, data.slice(0, size)));
        if (gEnd - 1 > g0 && end % size != 0) {
            edges.add(load(block, slot, gEnd - 1, data.slice((gEnd - 1 - g0) * size, size)));
        }
        return Futures.allOf(edges).thenApply(ignored -> {
            data.put(inObject - g0 * size, part, part.position(), part.remaining());
            return data;
        });
    }

    /** One granule's current bytes: from the cache when valid and sound, else from the store (dirty ones never). */
    private CompletableFuture<Void> load(long block, int slot, int g, ByteBuffer into) {
        return threads.async(() -> {
                    GranuleState s = granules.state(slot, g);
                    if (s == GranuleState.INVALID) {
                        return false;
                    }
                    int bad = log.read(slot, g, into.duplicate());
                    if (bad >= 0) {
                        if (s == GranuleState.DIRTY) {
                            throw granules.damagedDirty(block, bad);
                        }
                        granules.damaged(block, bad);
                        return false;
                    }
                    return true;
                })
                .thenCompose(cached -> cached ? DONE : store.read(granules.offset(block, g), into.duplicate()));
    }
}
