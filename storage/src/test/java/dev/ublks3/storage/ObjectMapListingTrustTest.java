package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.testing.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A LIST that does not show an object does not prove it absent: stores whose listings lag behind their writes (Swift's
 * S3 layer, multi-site Ceph) or break S3's order must never make the map read zeros where data is, or pad a partial
 * write with zeros over it.
 */
class ObjectMapListingTrustTest {

    private static final int OS = 4096;
    private static final String KEY = "vol";

    private final MemoryObjectStore memory = new MemoryObjectStore();

    /** Lists the keys PUT since {@link #lag()} only after {@link #catchUp()}, like an eventually consistent index. */
    private static final class LaggingListing extends ObjectStoreLayer {
        private final Set<String> notYetListed = new HashSet<>();
        private boolean lagging;
        final AtomicInteger lists = new AtomicInteger();

        LaggingListing(ObjectStore next) {
            super(next);
        }

        synchronized void lag() {
            lagging = true;
        }

        synchronized void catchUp() {
            lagging = false;
            notYetListed.clear();
        }

        @Override
        public synchronized CompletableFuture<Void> put(String key, ByteBuffer data) {
            if (lagging) {
                notYetListed.add(key);
            }
            return next.put(key, data);
        }

        @Override
        public CompletableFuture<ListPage> list(String prefix, String startAfter, String token, int maxKeys) {
            lists.incrementAndGet();
            return next.list(prefix, startAfter, token, maxKeys).thenApply(page -> {
                synchronized (this) {
                    return new ListPage(
                            page.objects().stream()
                                    .filter(o -> !notYetListed.contains(o.key()))
                                    .toList(),
                            page.nextContinuationToken());
                }
            });
        }
    }

    /** Every page's keys in descending order. */
    private static final class ReversedListing extends ObjectStoreLayer {
        ReversedListing(ObjectStore next) {
            super(next);
        }

        @Override
        public CompletableFuture<ListPage> list(String prefix, String startAfter, String token, int maxKeys) {
            return next.list(prefix, startAfter, token, maxKeys)
                    .thenApply(page -> new ListPage(page.objects().reversed(), page.nextContinuationToken()));
        }
    }

    /** Lists from the start of the prefix whatever start-after says. */
    private static final class StartAfterIgnored extends ObjectStoreLayer {
        StartAfterIgnored(ObjectStore next) {
            super(next);
        }

        @Override
        public CompletableFuture<ListPage> list(String prefix, String startAfter, String token, int maxKeys) {
            return next.list(prefix, null, token, maxKeys);
        }
    }

    private static String objectKey(long block) {
        return KEY + "/" + String.format("%016x", block);
    }

    private static byte[] random(long seed, int n) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static ObjectMap map(ObjectStore store, long objects) {
        return new ObjectMap(store, KEY, objects * OS, OS);
    }

    private static ObjectMap mapWithoutListing(ObjectStore store, long objects) {
        return new ObjectMap(store, KEY, objects * OS, OS, ObjectMapOptions.DEFAULT.withPresenceListing(false));
    }

    private static byte[] read(ObjectMap map, long block) {
        ByteBuffer into = ByteBuffer.allocate(OS);
        map.read(block * OS, into).join();
        return into.array();
    }

    /** What the bucket holds, not through any map. */
    private byte[] stored(long block) {
        return memory.object(objectKey(block));
    }

    private static byte[] patched(byte[] object, int at, byte[] data) {
        byte[] copy = object.clone();
        System.arraycopy(data, 0, copy, at, data.length);
        return copy;
    }

    @Test
    void aReadRightAfterRecoverGetsAnObjectTheListingDoesNotShowYet() {
        LaggingListing store = new LaggingListing(memory);
        store.lag();
        byte[] old = random(1, OS);
        map(store, 8).write(3L * OS, ByteBuffer.wrap(old), false).join(); // by the server that died
        ObjectMap recovered = map(store, 8);
        recovered.write(5L * OS + 100, ByteBuffer.wrap(random(2, 10)), false).join(); // lists chunk 0
        assertEquals(1, store.lists.get());
        assertArrayEquals(old, read(recovered, 3), "read what is stored, not zeros");
    }

    @Test
    void withNoPresenceAPartialWriteRightAfterRecoverPatchesAnObjectTheListingDoesNotShowYet() {
        LaggingListing store = new LaggingListing(memory);
        store.lag();
        byte[] old = random(3, OS);
        map(store, 8).write(3L * OS, ByteBuffer.wrap(old), false).join();
        ObjectMap recovered = mapWithoutListing(store, 8);
        byte[] data = random(4, 10);
        recovered.write(3L * OS + 100, ByteBuffer.wrap(data), false).join();
        assertEquals(0, store.lists.get(), "no LIST at all");
        assertEquals(1, recovered.readModifyWriteCycles());
        assertArrayEquals(patched(old, 100, data), stored(3), "the old bytes around the write are kept");
    }

    @Test
    void anObjectThisMapWroteIsNotTakenForAbsentByALaggingListing() {
        LaggingListing store = new LaggingListing(memory);
        store.lag();
        ObjectMap map = new ObjectMap(store, KEY, 8L * OS, OS, 0); // no copies: the next partial write must GET
        byte[] whole = random(5, OS);
        map.write(3L * OS, ByteBuffer.wrap(whole), false).join();
        byte[] data = random(6, 10);
        map.write(3L * OS + 100, ByteBuffer.wrap(data), false).join(); // a LIST would not show object 3 yet
        assertArrayEquals(patched(whole, 100, data), stored(3), "this map stored object 3 itself: GET + patch");
        assertEquals(1, map.readModifyWriteCycles());
        assertEquals(0, store.lists.get(), "what the map did itself needs no LIST");
    }

    @Test
    void aPageOutOfOrderMakesItsChunkUnknown() {
        byte[] old = random(7, OS);
        memory.put(objectKey(3), ByteBuffer.wrap(old)).join();
        memory.put(objectKey(1500), ByteBuffer.wrap(random(8, OS))).join();
        ObjectMap map = map(new ReversedListing(memory), 2000); // chunk 0's page: [1500, 3]
        byte[] data = random(9, 10);
        map.write(3L * OS + 100, ByteBuffer.wrap(data), false).join();
        assertArrayEquals(patched(old, 100, data), stored(3), "object 3 is patched, not padded with zeros");
        map.write(4L * OS + 100, ByteBuffer.wrap(data), false).join();
        assertEquals(2, map.readModifyWriteCycles(), "nothing in the chunk is known absent: GETs");
        assertEquals(0, map.partialWritesOfAbsentObjects());
    }

    @Test
    void aPageOfKeysNotAfterStartAfterMakesItsChunkUnknown() {
        memory.put(objectKey(3), ByteBuffer.wrap(random(10, OS))).join();
        memory.put(objectKey(1500), ByteBuffer.wrap(random(11, OS))).join();
        ObjectMap map = map(new StartAfterIgnored(memory), 2000); // chunk 1's page starts with object 3
        map.write(1501L * OS + 100, ByteBuffer.wrap(random(12, 10)), false).join();
        assertEquals(1, map.readModifyWriteCycles(), "the listing is not trusted: GET");
        assertEquals(0, map.partialWritesOfAbsentObjects());
    }

    @Test
    void aTrimOverAPageOutOfOrderFailsRatherThanMissObjects() {
        byte[] old = random(13, OS);
        List<Long> blocks = List.of(5L, 1500L, 2500L);
        for (long block : blocks) {
            memory.put(objectKey(block), ByteBuffer.wrap(old)).join();
        }
        ObjectMap map = map(new ReversedListing(memory), 3000);
        CompletionException e = assertThrows(
                CompletionException.class, () -> map.zero(0, 2000L * OS).join());
        StoreException cause = assertInstanceOf(StoreException.class, e.getCause());
        String message = cause.getMessage();
        assertTrue(message.contains("out of S3's ascending key order") && message.contains("--no-presence"), message);
        assertFalse(message.contains("\n"), "one line");
        assertArrayEquals(old, read(map, 5), "a failed zero leaves what is stored, and reads get it");
        assertEquals(blocks.stream().map(ObjectMapListingTrustTest::objectKey).toList(), memory.keys());
    }
}
