package dev.ublks3.storage.cache;

import dev.ublks3.storage.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A write in writethrough or read mode: into the store first; then the cached copy is brought up to date
 * (writethrough: cached even if it was not; read: only if it was). What always holds:
 *
 * <ul>
 *   <li>The write completes only once the store has it: the cache holds nothing the store lacks, so each Write
 *       is cleaned at once and a slot may be dropped rather than patched.</li>
 *   <li>A granule the write covers in part is updated only if the cache holds the rest of it: the cache never
 *       holds part of a granule.</li>
 * </ul>
 *
 * Runs in the object's order, like every operation on an object in the cache.
 */
final class WriteThrough extends CacheWork {

    private final BlockDevice store;
    private final boolean cacheWrites;

    WriteThrough(BlockDevice store, Parts parts, CacheMode mode) {
        super(parts);
        this.store = store;
        this.cacheWrites = mode == CacheMode.WRITETHROUGH;
    }

    /** Writes {@code part} at {@code inObject} in {@code block}. */
    CompletableFuture<Void> write(long block, int inObject, ByteBuffer part) {
        CompletableFuture<Void> stored = store.write(granules.offset(block, 0) + inObject, part, false);
        return stored.thenCompose(ignored -> threads.async(() -> {
            int slot = hold(block);
            if (slot >= 0) {
                try {
                    update(slot, inObject, part);
                } finally {
                    slots.release(slot);
                }
            }
            return null;
        }));
    }

    /** The slot to update, held; -1 when the object is not to be cached. */
    private int hold(long block) {
        lock.lock();
        try {
            int slot = log.index().slotOf(block);
            if (slot < 0 && cacheWrites) {
                slot = slots.take(block, false);
            }
            if (slot >= 0) {
                slots.pin(slot);
            }
            return slot;
        } finally {
            lock.unlock();
        }
    }

    private void update(int slot, int inObject, ByteBuffer part) throws IOException {
        int size = granules.size;
        int a = inObject / size;
        int b = granules.covering(inObject + part.remaining());
        if (inObject % size != 0 && granules.state(slot, a) == GranuleState.INVALID) {
            a++; // the cache lacks the rest of the first granule: leave it out
        }
        if ((inObject + part.remaining()) % size != 0 && b > a && granules.state(slot, b - 1) == GranuleState.INVALID) {
            b--;
        }
        if (a >= b) {
            return;
        }
        ByteBuffer data = ByteBuffer.allocate((b - a) * size);
        if (a * size < inObject || b * size > inObject + part.remaining()) {
            int bad = log.read(slot, a, data.duplicate());
            if (bad >= 0) {
                lock.lock();
                try {
                    slots.free(slot); // clean (this mode uploads nothing): drop it rather than patch bad bytes
                } finally {
                    lock.unlock();
                }
                return;
            }
        }
        data.put(inObject - a * size, part, part.position(), part.remaining());
        long seq = log.write(slot, a, data);
        log.clean(slot, seq);
    }
}
