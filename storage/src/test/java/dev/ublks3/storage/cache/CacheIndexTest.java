package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rules {@link CacheIndex#apply} keeps, one by one, and its block -> slot map under churn. */
class CacheIndexTest {

    private final CacheIndex index = new CacheIndex(4, 4);
    private long seq;

    private long apply(CacheRecord r) {
        index.apply(++seq, r);
        return seq;
    }

    private static CacheRecord.Write write(int slot, int first, int... crcs) {
        return new CacheRecord.Write(slot, first, crcs, ByteBuffer.allocate(0));
    }

    @Test
    void writeMakesGranulesDirtyOverAnyState() {
        apply(new CacheRecord.Assign(0, 5));
        apply(new CacheRecord.Fill(0, 0, new int[] {10, 11}));
        long w = apply(write(0, 1, 21, 22));
        assertEquals(GranuleState.CLEAN, index.state(0, 0));
        assertEquals(GranuleState.DIRTY, index.state(0, 1));
        assertEquals(GranuleState.DIRTY, index.state(0, 2));
        assertEquals(GranuleState.INVALID, index.state(0, 3));
        assertEquals(21, index.crc(0, 1));
        assertEquals(w, index.lastWrite(0));
        assertEquals(w, index.oldestDirtySequence(0));
        long again = apply(write(0, 2, 32, 33));
        assertEquals(33, index.crc(0, 3));
        assertEquals(again, index.lastWrite(0));
        assertEquals(w, index.oldestDirtySequence(0), "the oldest unuploaded write stays");
        assertEquals(3, index.dirtyGranules());
        assertEquals(1, index.dirtySlots());
        assertTrue(index.allValid(0));
        assertTrue(index.anyDirty(0));
    }

    @Test
    void fillTakesInvalidGranulesOnly() {
        apply(new CacheRecord.Assign(1, 6));
        apply(write(1, 2, 7));
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> apply(new CacheRecord.Fill(1, 1, new int[] {1, 2})));
        assertTrue(e.getMessage().contains("granule 2"), e.getMessage());
        assertEquals(GranuleState.INVALID, index.state(1, 1), "nothing changed");
        assertThrows(
                IllegalStateException.class,
                () -> apply(new CacheRecord.Fill(2, 0, new int[] {1})),
                "a free slot takes no fill");
    }

    @Test
    void cleanCleansOnlyWhenNoWriteCameAfterTheUpload() {
        apply(new CacheRecord.Assign(0, 5));
        long first = apply(write(0, 0, 1));
        long second = apply(write(0, 1, 2));
        apply(new CacheRecord.Clean(0, first));
        assertTrue(index.anyDirty(0), "a write after the uploaded copy keeps the slot dirty");
        assertEquals(first, index.oldestDirtySequence(0));
        apply(new CacheRecord.Clean(0, second));
        assertFalse(index.anyDirty(0));
        assertEquals(GranuleState.CLEAN, index.state(0, 0));
        assertEquals(GranuleState.CLEAN, index.state(0, 1));
        assertEquals(1, index.crc(0, 0), "the CRC stays");
        assertEquals(0, index.oldestDirtySequence(0));
        assertEquals(0, index.dirtySlots());
        assertEquals(0, index.dirtyGranules());
    }

    @Test
    void assignRefusesADirtySlotAndABlockHeldElsewhere() {
        apply(new CacheRecord.Assign(0, 5));
        apply(write(0, 0, 1));
        assertThrows(IllegalStateException.class, () -> apply(new CacheRecord.Assign(0, 6)));
        assertThrows(IllegalStateException.class, () -> apply(new CacheRecord.Assign(1, 5)));
        apply(new CacheRecord.Clean(0, seq));
        apply(new CacheRecord.Assign(0, 6));
        assertEquals(0, index.slotOf(6));
        assertEquals(-1, index.slotOf(5));
        assertEquals(GranuleState.INVALID, index.state(0, 0), "a new object has nothing valid");
        assertEquals(0, index.lastWrite(0));
    }

    @Test
    void freeTakesAnySlotEvenADirtyOne() {
        apply(new CacheRecord.Assign(3, 9));
        apply(write(3, 0, 1, 2, 3, 4));
        apply(new CacheRecord.Free(3));
        assertEquals(-1, index.blockOf(3));
        assertEquals(-1, index.slotOf(9));
        assertEquals(0, index.dirtySlots());
        assertEquals(0, index.dirtyGranules());
        assertFalse(index.allValid(3));
        apply(new CacheRecord.Free(3));
    }

    @Test
    void dirtySlotsComeOldestWriteFirst() {
        for (int slot = 0; slot < 4; slot++) {
            apply(new CacheRecord.Assign(slot, 100 + slot));
        }
        apply(write(2, 0, 1));
        apply(write(0, 0, 1));
        apply(write(3, 0, 1));
        apply(write(2, 1, 1));
        assertArrayEquals(new int[] {2, 0, 3}, index.dirtySlotsInOrder());
        apply(new CacheRecord.Clean(2, seq));
        apply(write(2, 3, 1));
        assertArrayEquals(new int[] {0, 3, 2}, index.dirtySlotsInOrder(), "dirty again: its new write is the newest");
        apply(new CacheRecord.Free(3));
        assertArrayEquals(new int[] {0, 2}, index.dirtySlotsInOrder());
        CacheIndex loaded = new CacheIndex(index.image());
        assertArrayEquals(new int[] {0, 2}, loaded.dirtySlotsInOrder(), "rebuilt from an image in the same order");
        CacheTesting.assertSameIndex(index, loaded, "image");
    }

    @Test
    void blockToSlotMapFollowsChurn() {
        int slots = 300;
        CacheIndex big = new CacheIndex(slots, 1);
        Map<Long, Integer> model = new HashMap<>();
        Random random = new Random(5);
        long s = 0;
        for (int i = 0; i < 20_000; i++) {
            int slot = random.nextInt(slots);
            // few distinct blocks with colliding low bits, so probe runs form and deletions shift them
            long block = (long) random.nextInt(600) << 20;
            long held = big.blockOf(slot);
            if (random.nextInt(3) == 0) {
                big.apply(++s, new CacheRecord.Free(slot));
                model.remove(held);
            } else if (!model.containsKey(block)) {
                big.apply(++s, new CacheRecord.Assign(slot, block));
                model.remove(held);
                model.put(block, slot);
            }
            if (i % 97 == 0) {
                for (long b = 0; b < 600; b++) {
                    assertEquals(model.getOrDefault(b << 20, -1), big.slotOf(b << 20), "block " + (b << 20));
                }
            }
        }
    }
}
