package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SegmentedLruTest {

    /** {@code slots} slots, half of them protected at most, with {@code inserted} inserted in that order (not cold). */
    private static SegmentedLru lru(int slots, int... inserted) {
        SegmentedLru lru = new SegmentedLru(slots, 0.5);
        for (int slot : inserted) {
            lru.insert(slot, false);
        }
        return lru;
    }

    @Test
    void probationGoesFirstOldestFirst() {
        SegmentedLru lru = lru(8, 1, 2, 3);
        assertEquals(1, lru.victim(s -> true));
        lru.hit(1); // to protected
        assertEquals(2, lru.victim(s -> true));
        assertTrue(lru.isProtected(1));
    }

    @Test
    void protectedIsTakenOnlyWhenProbationHasNothingAllowed() {
        SegmentedLru lru = lru(8, 1);
        lru.hit(1);
        lru.insert(2, false);
        assertEquals(1, lru.victim(s -> s != 2), "probation's only slot refused (dirty, busy): protected's oldest");
        assertEquals(-1, lru.victim(s -> false));
    }

    @Test
    void aColdInsertIsTheNextVictim() {
        SegmentedLru lru = lru(8, 1, 2);
        lru.insert(7, true);
        assertEquals(7, lru.victim(s -> true));
    }

    @Test
    void protectedOverItsCapDemotesItsOldestToProbation() {
        SegmentedLru lru = lru(4); // protected holds 2
        for (int s = 0; s < 3; s++) {
            lru.insert(s, false);
            lru.hit(s);
        }
        assertFalse(lru.isProtected(0), "the oldest protected slot went back to probation");
        assertTrue(lru.isProtected(1) && lru.isProtected(2));
        assertEquals(0, lru.victim(s -> true));
        assertEquals(3, lru.size());
    }

    @Test
    void removedSlotsAreNeverOffered() {
        SegmentedLru lru = lru(4, 0, 1);
        lru.hit(1);
        lru.remove(0);
        lru.remove(1);
        lru.remove(1); // twice is harmless
        assertEquals(-1, lru.victim(s -> true));
        assertEquals(0, lru.size());
    }
}
