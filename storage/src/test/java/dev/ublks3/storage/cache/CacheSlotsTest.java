package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The slots' bookkeeping over a real cache log of {@link CacheTesting#SLOTS} slots: victims, incarnations, waiters. */
class CacheSlotsTest {

    private static final long NOW = 1_000_000_000_000L;
    private static final long MAX_AGE = 30_000_000_000L;

    @TempDir
    Path dir;

    private CacheLog log;
    private CacheSlots slots;

    @BeforeEach
    void open() throws IOException {
        log = CacheTesting.open(dir);
        slots = new CacheSlots(log, NOW, MAX_AGE);
    }

    @AfterEach
    void close() throws IOException {
        log.close();
    }

    private <T> T locked(Supplier<T> work) {
        return CacheTesting.locked(log, work);
    }

    private int take(long block) {
        return locked(() -> slots.take(block, false));
    }

    /** Every slot taken, for blocks 0..SLOTS-1, clean and held by nothing; returns block b's slot at [b]. */
    private int[] fillAll() {
        int[] taken = new int[CacheTesting.SLOTS];
        for (int b = 0; b < taken.length; b++) {
            taken[b] = take(b);
            assertTrue(taken[b] >= 0, "a free slot for block " + b);
        }
        return taken;
    }

    private void dirty(int slot) throws IOException {
        log.write(slot, 0, ByteBuffer.wrap(CacheTesting.random(log.granule(), slot)));
    }

    @Test
    void aBusySlotIsNeverAVictim() {
        int[] taken = fillAll();
        for (int s : taken) {
            locked(() -> {
                slots.pin(s);
                return null;
            });
        }
        assertEquals(-1, take(100), "every slot held by an operation: none to give up");
        slots.release(taken[5]);
        assertEquals(taken[5], take(100), "the one no longer held");
    }

    @Test
    void aDirtySlotIsNeverAVictim() throws IOException {
        int[] taken = fillAll();
        for (int b = 0; b < taken.length; b++) {
            if (b != 3) {
                dirty(taken[b]);
            }
        }
        assertEquals(taken[3], take(100), "the only clean slot");
        dirty(taken[3]);
        assertEquals(-1, take(101), "every slot dirty: none to give up");
    }

    @Test
    void aSlotAnUploadHoldsIsNeverAVictim() {
        int[] taken = fillAll();
        locked(() -> {
            slots.uploadStarted(taken[0]); // the least recently used
            return null;
        });
        int victim = take(100);
        assertTrue(victim >= 0);
        assertNotEquals(taken[0], victim, "held by its upload");
        locked(() -> {
            slots.uploadDone(taken[0]);
            return null;
        });
        assertEquals(taken[0], take(101), "the upload is over: the least recently used goes first");
    }

    @Test
    void takingAndFreeingASlotChangeItsIncarnation() throws IOException {
        int slot = take(7);
        long taken = locked(() -> slots.incarnation(slot));
        log.lock().lock();
        try {
            assertFalse(slots.free(slot), "nothing dirty was dropped");
        } finally {
            log.lock().unlock();
        }
        long freed = locked(() -> slots.incarnation(slot));
        assertNotEquals(taken, freed, "a Clean planned before the free must not apply");
        assertEquals(slot, take(8), "the freed slot is taken first");
        assertNotEquals(freed, (long) locked(() -> slots.incarnation(slot)));
    }

    @Test
    void takingOrFreeingWithoutTheLockIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> slots.take(1, false));
        assertEquals("cache slot take called without the cache lock: take it first", e.getMessage());
        int slot = take(1);
        assertThrows(IllegalStateException.class, () -> slots.free(slot));
        assertEquals(1, locked(slots::inUse), "nothing changed");
    }

    @Test
    void freeingADirtySlotSaysSo() throws IOException {
        int slot = take(1);
        dirty(slot);
        log.lock().lock();
        try {
            assertTrue(slots.free(slot), "dirty data dropped: the caller must sync");
            assertEquals(0, slots.inUse());
        } finally {
            log.lock().unlock();
        }
    }

    @Test
    void waitersAreWokenWhenACleanSlotIsReleased() {
        int[] taken = fillAll();
        CompletableFuture<Void> room = locked(() -> {
            slots.pin(taken[2]);
            slots.pin(taken[2]);
            return slots.waitForRoom();
        });
        slots.release(taken[2]);
        assertFalse(room.isDone(), "still held by another operation");
        slots.release(taken[2]);
        assertTrue(room.isDone(), "a clean slot no one holds: room for a writer");
        assertFalse(locked(slots::anyWaiting));
    }

    @Test
    void waitersAreNotWokenByADirtySlot() throws IOException {
        int[] taken = fillAll();
        dirty(taken[4]);
        CompletableFuture<Void> room = locked(() -> {
            slots.pin(taken[4]);
            return slots.waitForRoom();
        });
        slots.release(taken[4]);
        assertFalse(room.isDone(), "a dirty slot is no room: only an upload can make it so");
        assertTrue(locked(slots::anyWaiting));
        locked(slots::takeWaiters).forEach(w -> w.complete(null));
        assertTrue(room.isDone());
    }

    @Test
    void aFailedUploadWaitsUntilItsRetryTimeUnlessTheSlotIsTakenAgain() throws IOException {
        int slot = take(2);
        locked(() -> {
            slots.uploadStarted(slot);
            assertFalse(slots.mayUpload(slot, NOW), "one upload per slot at a time");
            slots.uploadFailed(slot, NOW + 5);
            assertFalse(slots.mayUpload(slot, NOW + 4));
            assertTrue(slots.mayUpload(slot, NOW + 5));
            return null;
        });
        log.lock().lock();
        try {
            slots.free(slot);
            assertEquals(slot, slots.take(3, false));
            assertTrue(slots.mayUpload(slot, NOW), "another object: its first upload need not wait");
        } finally {
            log.lock().unlock();
        }
    }

    @Test
    void dirtySlotsFoundAtOpenAreDueAtOnce() throws IOException {
        int slot = take(6);
        dirty(slot);
        CacheSlots reopened = new CacheSlots(log, NOW, MAX_AGE);
        locked(() -> {
            assertTrue(reopened.dirtyFor(slot, NOW) > MAX_AGE, "older than the max age");
            assertTrue(reopened.quietFor(slot, NOW) > MAX_AGE);
            assertEquals(1, reopened.inUse());
            return null;
        });
    }

    @Test
    void aWriteStartsTheDirtyAgeOnlyOnce() {
        int slot = take(9);
        locked(() -> {
            slots.written(slot, NOW, false);
            slots.written(slot, NOW + 10, false);
            assertEquals(20, slots.dirtyFor(slot, NOW + 20), "from the first write");
            assertEquals(10, slots.quietFor(slot, NOW + 20), "from the last write");
            return null;
        });
    }
}
