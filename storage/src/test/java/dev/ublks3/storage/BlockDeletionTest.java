package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** Deleting a range of blocks, by name or by LIST pages, on the in-memory store (object-map logic). */
class BlockDeletionTest {

    private final MemoryObjectStore store = new MemoryObjectStore();
    private final BlockKeyWalk walk = new BlockKeyWalk(store, "dev/", block -> BlockKeys.keyOf("dev/", block));
    private final BlockDeletion deletion = new BlockDeletion(store, block -> BlockKeys.keyOf("dev/", block), walk);

    private void putBlocks(long first, long last) {
        for (long block = first; block <= last; block++) {
            store.put(BlockKeys.keyOf("dev/", block), ByteBuffer.wrap(new byte[] {1}))
                    .join();
        }
    }

    private BitSet stored(long last) {
        return walk.present(0, last).join();
    }

    @Test
    void deletesExactlyTheRangeByName() {
        putBlocks(0, 20);
        deletion.delete(5, 5).join();
        deletion.delete(10, 14).join();
        BitSet expected = new BitSet();
        expected.set(0, 21);
        expected.clear(5);
        expected.clear(10, 15);
        assertEquals(expected, stored(20));
    }

    @Test
    void deletesExactlyALargeRangeByListing() {
        putBlocks(0, 2600);
        deletion.delete(1, 2599).join();
        BitSet expected = new BitSet();
        expected.set(0);
        expected.set(2600);
        assertEquals(expected, stored(2600));
    }
}
