package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Partial writes in flight hold a whole object each (from its GET until its PUT is done): that memory is bounded
 * ({@link ObjectMapOptions#partialWriteBytes()}), and writes past it wait their turn, never fail.
 */
class PartialWriteBudgetTest {

    private static final int OS = 4096;
    private static final int OBJECTS = 64;
    private static final String KEY = "vol";

    /** Holds every GET until the test releases it, oldest first: a held GET is an object buffer held. */
    private static final class HeldGets extends ObjectStoreLayer {
        final ArrayDeque<CompletableFuture<Void>> held = new ArrayDeque<>();
        int mostHeld;

        HeldGets(ObjectStore next) {
            super(next);
        }

        @Override
        public CompletableFuture<ReadOutcome> get(String key, long offset, ByteBuffer into) {
            if (into.remaining() < OS) { // a read of part of an object: no object buffer behind it
                return next.get(key, offset, into);
            }
            CompletableFuture<Void> gate = new CompletableFuture<>();
            held.add(gate);
            mostHeld = Math.max(mostHeld, held.size());
            return gate.thenCompose(ignored -> next.get(key, offset, into));
        }

        boolean releaseOldest() {
            CompletableFuture<Void> gate = held.poll();
            if (gate == null) {
                return false;
            }
            gate.complete(null);
            return true;
        }
    }

    @Test
    void aBurstOfPartialWritesToManyObjectsAndToOneCompletesWithinABudgetOfOneObject() throws Exception {
        burst(1);
    }

    @Test
    void aBurstOfPartialWritesToManyObjectsAndToOneCompletesWithinABudgetOfTwoObjects() throws Exception {
        burst(2);
    }

    private void burst(int budgetObjects) throws Exception {
        MemoryObjectStore memory = new MemoryObjectStore(); // completes at once: what is held is held by the test
        byte[] model = new byte[OBJECTS * OS];
        new Random(1).nextBytes(model);
        new ObjectMap(memory, KEY, model.length, OS)
                .write(0, ByteBuffer.wrap(model.clone()), false)
                .join();
        HeldGets gets = new HeldGets(memory);
        ObjectMap map = new ObjectMap(
                gets,
                KEY,
                model.length,
                OS,
                ObjectMapOptions.DEFAULT
                        .withRecentBytes(0)
                        .withPartialWriteBytes((long) budgetObjects * OS)); // no copies: every partial write GETs

        Random random = new Random(2);
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        for (int block = 0; block < OBJECTS; block++) {
            inFlight.add(write(map, model, (long) block * OS + 10, random, 100));
            if (block % 16 == 3) { // several to one object, interleaved with the others
                for (int i = 0; i < 3; i++) {
                    inFlight.add(write(map, model, 7L * OS + 500 * i + 1, random, 300));
                }
                inFlight.add(map.zero(9L * OS + 2000, 50));
                Arrays.fill(model, 9 * OS + 2000, 9 * OS + 2050, (byte) 0);
            }
        }
        assertEquals(budgetObjects, gets.held.size(), "only the budget's objects are held; the rest wait");
        while (gets.releaseOldest()) {
            assertTrue(gets.held.size() <= budgetObjects, "held: " + gets.held.size());
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertEquals(budgetObjects, gets.mostHeld);
        assertEquals(0, map.queuedMutations(), "nothing waits any more");

        ByteBuffer into = ByteBuffer.allocate(model.length);
        new ObjectMap(memory, KEY, model.length, OS).read(0, into).join();
        assertArrayEquals(model, into.array(), "every write is stored, in the order issued");
    }

    private static CompletableFuture<Void> write(ObjectMap map, byte[] model, long offset, Random random, int n) {
        byte[] data = new byte[n];
        random.nextBytes(data);
        System.arraycopy(data, 0, model, (int) offset, n);
        return map.write(offset, ByteBuffer.wrap(data), false);
    }
}
