package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The LIST walk over a range of blocks, on the in-memory store (object-map logic, no S3 behaviour). */
class BlockKeyWalkTest {

    private final MemoryObjectStore store = new MemoryObjectStore();
    private final BlockKeyWalk walk = new BlockKeyWalk(store, "dev/", block -> "dev/%016x".formatted(block));

    private void put(String key) {
        store.put(key, ByteBuffer.wrap(new byte[] {1})).join();
    }

    @Test
    void handsOnOnlyTheBlockKeysOfTheRangeAcrossPages() {
        for (long block = 0; block < 2500; block += 2) {
            put("dev/%016x".formatted(block));
        }
        put("dev/0000000000000010.bak"); // not a block key: left alone
        put("dev/ABCDEF0000000000");
        put("other/%016x".formatted(11));
        List<String> seen = new ArrayList<>();
        walk.walk(3, 2400, keys -> {
                    seen.addAll(keys);
                    return CompletableFuture.completedFuture(null);
                })
                .join();
        List<String> expected = new ArrayList<>();
        for (long block = 4; block <= 2400; block += 2) {
            expected.add("dev/%016x".formatted(block));
        }
        assertEquals(expected, seen);
    }

    @Test
    void presentMarksStoredBlocksFromTheFirst() {
        put("dev/%016x".formatted(100));
        put("dev/%016x".formatted(103));
        put("dev/%016x".formatted(200));
        BitSet expected = new BitSet();
        expected.set(0);
        expected.set(3);
        assertEquals(expected, walk.present(100, 199).join());
    }
}
