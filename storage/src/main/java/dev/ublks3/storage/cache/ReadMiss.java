package dev.ublks3.storage.cache;

import dev.ublks3.storage.BlockDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read the cache cannot serve alone: its granules from the store (the whole object when small and the read is
 * not streaming), the cache's dirty granules laid over them, then the invalid ones kept in the cache unless the
 * read is streaming. What always holds:
 *
 * <ul>
 *   <li>A dirty granule is served from the cache (the store's copy is older); one that fails its check fails
 *       the read.</li>
 *   <li>A fill writes only granules that are invalid in the cache, never over one written meanwhile.</li>
 *   <li>A cache disk that fails, or a cache with no slot to spare, costs the read its caching, never its data.</li>
 * </ul>
 *
 * Runs in the object's order, like every operation on an object in the cache.
 */
final class ReadMiss extends CacheWork {

    private static final Logger LOG = LoggerFactory.getLogger(CachedBlockDevice.class);
    /** Objects up to this size are fetched whole on a miss: one GET, and the rest of the object is warm too. */
    private static final int WHOLE_FETCH_LIMIT = 1 << 20;

    private final BlockDevice store;
    private final Path dir;

    ReadMiss(BlockDevice store, Parts parts, Path dir) {
        super(parts);
        this.store = store;
        this.dir = dir;
    }

    /**
     * Reads {@code part}, at {@code inObject} in {@code block}, whose granules are {@code g0..gEnd};
     * {@code slotOrNone} is the slot holding the object (held by the caller), or -1.
     */
    CompletableFuture<Void> read(
            long block, int slotOrNone, int g0, int gEnd, int inObject, ByteBuffer part, boolean streaming) {
        boolean whole = !streaming && granules.objectSize <= WHOLE_FETCH_LIMIT;
        int f0 = whole ? 0 : g0;
        int fEnd = whole ? granules.perObject : gEnd;
        ByteBuffer fetched = ByteBuffer.allocate((fEnd - f0) * granules.size);
        return store.read(granules.offset(block, f0), fetched.duplicate())
                .thenCompose(ignored -> threads.async(() -> {
                    if (slotOrNone >= 0) {
                        overlayDirty(block, slotOrNone, f0, fEnd, fetched);
                    }
                    part.duplicate().put(fetched.slice(inObject - f0 * granules.size, part.remaining()));
                    if (!streaming) {
                        fill(block, slotOrNone, f0, fEnd, fetched);
                    }
                    return null;
                }));
    }

    /** Copies the slot's dirty granules of {@code f0..fEnd} over {@code fetched}: the cache's are newer. */
    private void overlayDirty(long block, int slot, int f0, int fEnd, ByteBuffer fetched) throws IOException {
        granules.forEachRun(
                slot,
                f0,
                fEnd,
                GranuleState.DIRTY,
                (g, end) -> granules.readDirty(block, slot, g, slice(fetched, f0, g, end)));
    }

    /** Puts the fetched granules that are invalid in the cache into it; takes a slot if the object has none. */
    private void fill(long block, int slotOrNone, int f0, int fEnd, ByteBuffer fetched) {
        int slot = slotOrNone;
        if (slot < 0) {
            lock.lock();
            try {
                slot = slots.take(block, false);
                if (slot < 0) {
                    return; // every slot dirty or busy: serve without caching
                }
                slots.pin(slot);
            } catch (UncheckedIOException e) {
                cannotKeep(block, e.getCause());
                return;
            } finally {
                lock.unlock();
            }
        }
        int held = slot;
        try {
            granules.forEachRun(
                    held, f0, fEnd, GranuleState.INVALID, (g, end) -> log.fill(held, g, slice(fetched, f0, g, end)));
        } catch (IOException e) { // a full or failing cache disk: the read has its data, the cache goes without
            cannotKeep(block, e);
        } finally {
            if (slotOrNone < 0) {
                slots.release(held);
            }
        }
    }

    /** Granules {@code g..end} of {@code fetched}, which starts at granule {@code f0}. */
    private ByteBuffer slice(ByteBuffer fetched, int f0, int g, int end) {
        return fetched.slice((g - f0) * granules.size, (end - g) * granules.size);
    }

    private void cannotKeep(long block, IOException e) {
        LOG.warn("cache {}: keeping object {} failed ({}): served from the store", dir, block, e.getMessage());
    }
}
