package dev.ublks3.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * Deletes the stored objects of a range of blocks: by name when the range fits one DeleteObjects batch (one
 * request, where a LIST would cost one too and still need the delete; a missing key counts as deleted), else by
 * scoped LIST pages ({@link BlockKeyWalk}) with one DeleteObjects per page. Only keys of the device's blocks are
 * named. Ordering against other work on the blocks is the caller's ({@link MutationOrder#range}).
 */
final class BlockDeletion {

    private final ObjectStore store;
    private final LongFunction<String> objectKey;
    private final BlockKeyWalk walk;

    BlockDeletion(ObjectStore store, LongFunction<String> objectKey, BlockKeyWalk walk) {
        this.store = store;
        this.objectKey = objectKey;
        this.walk = walk;
    }

    /** Deletes the stored objects of blocks {@code first..last}. */
    CompletableFuture<Void> delete(long first, long last) {
        if (last - first >= ObjectStore.MAX_DELETE_KEYS) {
            return walk.walk(
                    first,
                    last,
                    keys -> keys.isEmpty() ? CompletableFuture.completedFuture(null) : store.deleteObjects(keys));
        }
        if (first == last) {
            return store.delete(objectKey.apply(first));
        }
        List<String> keys = new ArrayList<>((int) (last - first + 1));
        for (long block = first; block <= last; block++) {
            keys.add(objectKey.apply(block));
        }
        return store.deleteObjects(keys);
    }
}
