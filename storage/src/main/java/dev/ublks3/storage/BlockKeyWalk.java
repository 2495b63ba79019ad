package dev.ublks3.storage;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * The stored keys of a range of a device's blocks, found by scoped LIST pages (prefix {@code key/}, start-after the
 * key before the first block) that stop past the last block's key. Only keys of exactly 16 lower-case hex digits
 * ({@link BlockKeys}) are handed on; a page out of S3's order fails the walk ({@link ListingOrder}).
 */
final class BlockKeyWalk {

    private static final int LIST_PAGE = 1000;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ObjectStore store;
    private final String prefix;
    private final LongFunction<String> objectKey;

    /** {@code prefix}: {@code key/}; {@code objectKey}: the key of a block number. */
    BlockKeyWalk(ObjectStore store, String prefix, LongFunction<String> objectKey) {
        this.store = store;
        this.prefix = prefix;
        this.objectKey = objectKey;
    }

    /** What to do with one page of {@link #walk}: the stored keys of blocks in the range, in order. */
    @FunctionalInterface
    interface PageOfKeys {
        CompletableFuture<Void> accept(List<String> keys);
    }

    /** The stored blocks of {@code first..last}, as indexes from {@code first}. */
    CompletableFuture<BitSet> present(long first, long last) {
        BitSet present = new BitSet();
        return walk(first, last, keys -> {
                    keys.forEach(key -> present.set((int) (BlockKeys.blockOf(prefix, key) - first)));
                    return DONE;
                })
                .thenApply(ignored -> present);
    }

    /**
     * Lists the stored keys of blocks {@code first..last}, handing each page's keys of blocks in the range to
     * {@code onPage} as it arrives. A page is listed while the page before runs its work, but not before the work of
     * the page before that has ended: at most two pages of keys are held, whatever the range. Completes when every
     * page and all of {@code onPage}'s work have; after a failed page's work, lists no further.
     */
    CompletableFuture<Void> walk(long first, long last, PageOfKeys onPage) {
        String startAfter = first == 0 ? null : objectKey.apply(first - 1);
        return listPage(
                startAfter,
                null,
                new ListingOrder(prefix, startAfter),
                first,
                last,
                objectKey.apply(last),
                onPage,
                DONE);
    }

    /**
     * {@code previous}: the work of the page before. Fails when a page breaks S3's order ({@link ListingOrder}):
     * then keys in the range may be missing from it.
     */
    private CompletableFuture<Void> listPage(
            String startAfter,
            String token,
            ListingOrder order,
            long first,
            long last,
            String lastKey,
            PageOfKeys onPage,
            CompletableFuture<Void> previous) {
        CompletableFuture<Void> pages = store.list(prefix, startAfter, token, LIST_PAGE)
                .thenCompose(page -> {
                    StoreException misordered = order.check(page.keys());
                    if (misordered != null) {
                        return CompletableFuture.failedFuture(misordered);
                    }
                    List<String> keys = new ArrayList<>();
                    boolean past = false;
                    for (String key : page.keys()) {
                        if (KeyOrder.compare(key, lastKey) > 0) {
                            past = true;
                            break;
                        }
                        long block = BlockKeys.blockOf(prefix, key);
                        if (block >= first && block <= last) {
                            keys.add(key);
                        }
                    }
                    CompletableFuture<Void> work = Futures.call(() -> onPage.accept(keys));
                    if (past || page.isLast()) {
                        return work;
                    }
                    String next = page.nextContinuationToken();
                    return previous.handle((ignored, error) -> error == null)
                            .thenCompose(ok ->
                                    ok ? listPage(startAfter, next, order, first, last, lastKey, onPage, work) : work);
                });
        return Futures.allOf(List.of(previous, pages)); // a failed LIST still waits for the work before it
    }
}
