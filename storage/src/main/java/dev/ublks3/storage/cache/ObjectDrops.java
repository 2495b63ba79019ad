package dev.ublks3.storage.cache;

import dev.ublks3.storage.Futures;
import dev.ublks3.storage.MutationOrder;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A trim or zero of whole objects in the cache: the objects are dropped (dirty ones too: their data is being
 * deleted), then the store's part is issued. What always holds:
 *
 * <ul>
 *   <li>Dropped dirty data is durably dropped (the WAL synced) before the store's part is issued: a crash cannot
 *       upload it again over the deletion.</li>
 *   <li>The store's part is issued in the objects' order ({@link MutationOrder#range}): a DELETE follows every
 *       upload's PUT issued before it.</li>
 *   <li>Drains stop waiting for the dropped objects.</li>
 * </ul>
 */
final class ObjectDrops extends CacheWork {

    private final CacheIndex index;
    private final CacheUploader uploader;
    private final MutationOrder order;

    ObjectDrops(Parts parts, CacheUploader uploader, MutationOrder order) {
        super(parts);
        this.index = log.index();
        this.uploader = uploader;
        this.order = order;
    }

    /** Drops whole objects {@code first..last} from the cache, then issues {@code below} (the store's part). */
    CompletableFuture<Void> dropThen(long first, long last, Supplier<CompletableFuture<Void>> below) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        order.range(
                        first,
                        last,
                        () -> threads.async(() -> {
                                    boolean droppedDirty = drop(first, last);
                                    if (droppedDirty) {
                                        log.sync();
                                    }
                                    return null;
                                })
                                .thenApply(ignored -> {
                                    Futures.call(below).whenComplete((v, e) -> {
                                        if (e != null) {
                                            result.completeExceptionally(Futures.unwrap(e));
                                        } else {
                                            result.complete(null);
                                        }
                                    });
                                    return (Void) null;
                                }))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(Futures.unwrap(e));
                    }
                });
        return result;
    }

    /** Frees the slots of objects {@code first..last}; true if any had dirty granules. */
    private boolean drop(long first, long last) throws IOException {
        boolean dirty = false;
        lock.lock();
        try {
            if (last - first < index.slots()) {
                for (long b = first; b <= last; b++) {
                    int s = index.slotOf(b);
                    if (s >= 0) {
                        dirty |= slots.free(s);
                    }
                }
            } else {
                for (int s = 0; s < index.slots(); s++) {
                    long b = index.blockOf(s);
                    if (b >= first && b <= last) {
                        dirty |= slots.free(s);
                    }
                }
            }
            uploader.checkDrains();
        } finally {
            lock.unlock();
        }
        return dirty;
    }
}
