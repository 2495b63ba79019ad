package dev.ublks3.storage.testing;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStore.ListPage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Lists a store to the end, page by page, following the continuation tokens. */
public final class StoreListing {

    private StoreListing() {}

    /** Every key in the store, in key order. */
    public static List<String> allKeys(ObjectStore store) {
        return keys(store, "", null, 1000, page -> {});
    }

    /**
     * The keys under {@code prefix} after {@code startAfter}, listed in pages of at most {@code maxKeys}; each page
     * is shown to {@code eachPage} as it comes.
     */
    public static List<String> keys(
            ObjectStore store, String prefix, String startAfter, int maxKeys, Consumer<ListPage> eachPage) {
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            ListPage page = store.list(prefix, startAfter, token, maxKeys).join();
            eachPage.accept(page);
            keys.addAll(page.keys());
            token = page.nextContinuationToken();
        } while (token != null);
        return keys;
    }
}
