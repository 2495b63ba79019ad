package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.ObjectStore.ReadOutcome;
import dev.ublks3.storage.testing.CountingObjectStore;
import dev.ublks3.storage.testing.GatedObjectStore;
import dev.ublks3.storage.testing.HeldDeletes;
import dev.ublks3.storage.testing.LocalS3Fixture;
import dev.ublks3.storage.testing.MemoryObjectStore;
import dev.ublks3.storage.testing.StoreListing;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The object map on a real S3 server (S3Proxy on 127.0.0.1 through the CRT client), checked against a byte array. */
class ObjectMapTest {

    private static final int OS = 4096;
    private static final String KEY = "vol";

    private ObjectStore s3;
    private CountingObjectStore counting;

    @BeforeEach
    void open(TestInfo test) {
        s3 = LocalS3Fixture.newStore(test.getTestMethod().orElseThrow().getName());
        counting = new CountingObjectStore(s3);
    }

    @AfterEach
    void close() {
        s3.close();
    }

    private ObjectMap map(long objects) {
        return new ObjectMap(counting, KEY, objects * OS, OS);
    }

    private static byte[] random(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] read(ObjectMap map, long offset, int length) {
        ByteBuffer into = ByteBuffer.allocate(length);
        Arrays.fill(into.array(), (byte) 0x55); // holes must be zeroed, not left as they were
        map.read(offset, into).join();
        assertEquals(length, into.position(), "read advances the buffer's position");
        return into.array();
    }

    private List<String> keysInBucket() {
        return StoreListing.allKeys(s3);
    }

    private static String objectKey(long n) {
        return KEY + "/" + String.format("%016x", n);
    }

    private static List<String> objectKeys(long... blocks) {
        return LongStream.of(blocks).mapToObj(ObjectMapTest::objectKey).toList();
    }

    @Test
    void holesReadAsZerosWithoutWriting() {
        ObjectMap map = map(8);
        assertArrayEquals(new byte[3 * OS + 100], read(map, OS - 50, 3 * OS + 100));
        assertEquals(0, counting.puts.get());
        assertEquals(5, counting.gets.get(), "one ranged GET per object touched (objects 0..4)");
    }

    @Test
    void alignedWritesArePlainPutsWithoutReadModifyWrite() {
        ObjectMap map = map(8);
        byte[] data = random(new Random(1), 2 * OS);
        map.write(OS, ByteBuffer.wrap(data), false).join();
        assertEquals(0, map.readModifyWriteCycles());
        assertEquals(0, counting.gets.get());
        assertEquals(2, counting.puts.get());
        assertEquals(objectKeys(1, 2), keysInBucket());
        assertArrayEquals(data, read(map, OS, 2 * OS));
    }

    @Test
    void unalignedWritesAcrossObjectBoundariesReadModifyWriteOnlyTheEnds() {
        ObjectMap map = map(8);
        byte[] model = new byte[8 * OS];
        byte[] data = random(new Random(2), 2 * OS + 200);
        map.write(OS - 100, ByteBuffer.wrap(data), true).join();
        System.arraycopy(data, 0, model, OS - 100, data.length);
        assertEquals(2, map.partialWritesOfAbsentObjects(), "the two partial objects at the ends, absent: no GET");
        assertEquals(0, map.readModifyWriteCycles());
        assertEquals(objectKeys(0, 1, 2, 3), keysInBucket());
        assertArrayEquals(model, read(map, 0, 8 * OS));

        byte[] small = random(new Random(3), 10);
        map.write(OS + 7, ByteBuffer.wrap(small), false).join();
        System.arraycopy(small, 0, model, OS + 7, small.length);
        assertArrayEquals(model, read(map, 0, 8 * OS));
        // each stored object is whole
        ByteBuffer whole = ByteBuffer.allocate(OS);
        assertEquals(ReadOutcome.FOUND, s3.get(objectKey(0), 0, whole).join());
        assertArrayEquals(Arrays.copyOfRange(model, 0, OS), whole.array());
    }

    @Test
    void writeLeavesTheCallersPositionAndReadAdvancesIt() {
        ObjectMap map = map(4);
        ByteBuffer from = ByteBuffer.wrap(random(new Random(4), OS + 16));
        from.position(16);
        map.write(0, from, false).join();
        assertEquals(16, from.position());
        ByteBuffer into = ByteBuffer.allocate(OS + 8);
        into.position(8);
        map.read(0, into).join();
        assertEquals(OS + 8, into.position());
        assertArrayEquals(Arrays.copyOfRange(from.array(), 16, 16 + OS), Arrays.copyOfRange(into.array(), 8, OS + 8));
    }

    /**
     * On memory: S3Proxy's filesystem-like backends fold "a/b//x" into "a/b/x" (real S3 does not), and cannot hold
     * "vol" and "vol/..." at once.
     */
    @Test
    void theKeyIsUsedExactlyAsGiven() {
        MemoryObjectStore memory = new MemoryObjectStore();
        ObjectMap map = new ObjectMap(memory, "a/b/", 4L * OS, OS);
        map.write(3L * OS, ByteBuffer.allocate(OS), false).join();
        assertEquals(List.of("a/b//0000000000000003"), memory.keys());
        assertEquals("a/b//0000000000000003", map.objectKey(3));
        assertEquals("x/00000000ffffffff", new ObjectMap(counting, "x", 1L << 44, 4096).objectKey(0xffffffffL));
    }

    @Test
    void aReadWaitsForWritesIssuedBeforeIt() {
        ObjectMap map = map(4);
        byte[] data = random(new Random(5), OS + 300);
        CompletableFuture<Void> write = map.write(OS / 2, ByteBuffer.wrap(data), false);
        ByteBuffer into = ByteBuffer.allocate(data.length);
        CompletableFuture<Void> read = map.read(OS / 2, into);
        write.join();
        read.join();
        assertArrayEquals(data, into.array());
    }

    @Test
    void concurrentOverlappingWritesFromOneIssuerMatchTheSequentialModelWithFixedSeed() {
        concurrentOverlappingWrites(42L);
    }

    @Test
    void concurrentOverlappingWritesFromOneIssuerMatchTheSequentialModelWithRandomSeed() {
        long seed = Long.getLong("ublks3.test.seed", System.nanoTime());
        System.out.println("ObjectMapTest concurrent overlapping writes seed = " + seed
                + " (rerun with -Dublks3.test.seed=" + seed + ")");
        concurrentOverlappingWrites(seed);
    }

    /** Hundreds of writes in flight at once over 8 objects; per-object order is issue order, so the model is exact. */
    private void concurrentOverlappingWrites(long seed) {
        Random random = new Random(seed);
        int objects = 8;
        ObjectMap map = map(objects);
        byte[] model = new byte[objects * OS];
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int length = 1 + random.nextInt(random.nextBoolean() ? 512 : 3 * OS);
            int offset = random.nextInt(model.length - length + 1);
            if (random.nextInt(4) == 0) {
                offset &= ~(OS - 1);
                length = Math.min(model.length - offset, OS * (1 + random.nextInt(2)));
            }
            byte[] data = random(random, length);
            System.arraycopy(data, 0, model, offset, length);
            inFlight.add(map.write(offset, ByteBuffer.wrap(data), false));
            if (random.nextInt(20) == 0) {
                int zeroLength = 1 + random.nextInt(3 * OS);
                int zeroOffset = random.nextInt(model.length - zeroLength + 1);
                Arrays.fill(model, zeroOffset, zeroOffset + zeroLength, (byte) 0);
                inFlight.add(map.zero(zeroOffset, zeroLength));
            }
            if (random.nextInt(20) == 0) {
                int trimLength = 1 + random.nextInt(3 * OS);
                int trimOffset = random.nextInt(model.length - trimLength + 1);
                int firstWhole = (trimOffset + OS - 1) / OS * OS;
                int endWhole = (trimOffset + trimLength) / OS * OS;
                if (firstWhole < endWhole) {
                    Arrays.fill(model, firstWhole, endWhole, (byte) 0); // only whole objects are trimmed
                }
                inFlight.add(map.trim(trimOffset, trimLength));
            }
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        assertEquals(0, map.queuedMutations(), "nothing kept per object once idle");
        assertArrayEquals(model, read(map, 0, model.length), "seed " + seed);
    }

    @Test
    void concurrentWritersOnDisjointBytesOfSharedObjectsLoseNoUpdate() throws Exception {
        long seed = Long.getLong("ublks3.test.seed", System.nanoTime());
        System.out.println(
                "ObjectMapTest disjoint writers seed = " + seed + " (rerun with -Dublks3.test.seed=" + seed + ")");
        int objects = 4;
        int sector = 256;
        int threads = 4;
        ObjectMap map = map(objects);
        byte[] model = new byte[objects * OS];
        List<Thread> writers = new ArrayList<>();
        List<CompletableFuture<Void>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int owner = t;
            Random random = new Random(seed + t);
            writers.add(Thread.ofPlatform().start(() -> {
                // each thread owns every threads-th sector, so all threads read-modify-write the same objects
                for (int i = 0; i < 60; i++) {
                    int s = owner + threads * random.nextInt(model.length / sector / threads);
                    byte[] data = random(random, sector);
                    synchronized (model) {
                        System.arraycopy(data, 0, model, s * sector, sector);
                    }
                    all.add(map.write((long) s * sector, ByteBuffer.wrap(data), false));
                }
            }));
        }
        for (Thread writer : writers) {
            writer.join();
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        assertArrayEquals(model, read(map, 0, model.length), "seed " + seed);
        assertEquals(
                threads * 60L,
                map.readModifyWriteCycles() + map.partialWritesPatchedInMemory() + map.partialWritesOfAbsentObjects());
    }

    // ---- partial writes patch the copy of an object they wrote a moment ago (RecentObjects) ----

    /** Writes {@code data} at {@code offset} into both the map and the model. */
    private static void write(ObjectMap map, byte[] model, long offset, byte[] data) {
        map.write(offset, ByteBuffer.wrap(data), false).join();
        System.arraycopy(data, 0, model, (int) offset, data.length);
    }

    /** The object as stored in the bucket (not through the map). */
    private byte[] stored(long block) {
        ByteBuffer into = ByteBuffer.allocate(OS);
        assertEquals(ReadOutcome.FOUND, s3.get(objectKey(block), 0, into).join());
        return into.array();
    }

    @Test
    void repeatedPartialWritesOfOneObjectGetItOnce() {
        byte[] model = new byte[4 * OS];
        write(map(4), model, 0, random(new Random(11), 4 * OS)); // stored by an earlier server
        ObjectMap map = map(4);
        counting.reset();
        Random random = new Random(12);
        for (int i = 0; i < 10; i++) { // like ZFS's uberblocks: small writes into the same object, one after another
            write(map, model, OS + 512L * random.nextInt(8), random(random, 512));
        }
        assertEquals(1, counting.gets.get(), "only the first partial write GETs the object");
        assertEquals(10, counting.puts.get(), "every write is still a PUT");
        assertEquals(1, map.readModifyWriteCycles());
        assertEquals(9, map.partialWritesPatchedInMemory());
        assertArrayEquals(Arrays.copyOfRange(model, OS, 2 * OS), stored(1), "the bucket holds every write");
        assertArrayEquals(model, read(map, 0, model.length));
    }

    @Test
    void aWholeObjectWriteReplacesTheCopy() {
        ObjectMap map = map(4);
        byte[] model = new byte[4 * OS];
        write(map, model, OS + 100, random(new Random(13), 10)); // object 1 held
        write(map, model, OS, random(new Random(14), OS)); // replaced whole: held as written, not as patched
        write(map, model, OS + 200, random(new Random(15), 10));
        assertEquals(1, map.partialWritesOfAbsentObjects(), "the first write: object 1 was absent");
        assertEquals(1, map.partialWritesPatchedInMemory(), "the third patched the whole write's copy");
        assertEquals(0, map.readModifyWriteCycles());
        assertArrayEquals(Arrays.copyOfRange(model, OS, 2 * OS), stored(1));
        assertArrayEquals(model, read(map, 0, model.length));
    }

    @Test
    void aStreamOfWholeWritesKeepsTheCopiesOfPatchedObjects() {
        ObjectMap map = new ObjectMap(counting, KEY, 16L * OS, OS, 8L * OS); // 8 patched, 2 written whole
        byte[] model = new byte[16 * OS];
        write(map, model, 100, random(new Random(90), 10)); // object 0: patched, like a label's uberblock
        for (int block = 1; block <= 5; block++) { // like a large file: only the last two copies stay
            write(map, model, (long) block * OS, random(new Random(90 + block), OS));
        }
        write(map, model, 200, random(new Random(96), 10));
        write(map, model, 5L * OS + 200, random(new Random(97), 10));
        assertEquals(2, map.partialWritesPatchedInMemory(), "object 0's copy and object 5's whole-write copy");
        write(map, model, OS + 200, random(new Random(98), 10));
        assertEquals(1, map.readModifyWriteCycles(), "object 1's copy went out with the whole writes after it");
        assertArrayEquals(model, read(map, 0, model.length));
    }

    @Test
    void trimAndZeroDropTheCopies() {
        ObjectMap map = map(4);
        byte[] model = new byte[4 * OS];
        write(map, model, OS + 100, random(new Random(16), 10));
        write(map, model, 2L * OS + 100, random(new Random(17), 10));
        map.trim(0, 2L * OS).join(); // objects 0 and 1 deleted
        Arrays.fill(model, 0, 2 * OS, (byte) 0);
        map.zero(2L * OS, OS).join(); // object 2 deleted
        Arrays.fill(model, 2 * OS, 3 * OS, (byte) 0);
        write(map, model, OS + 300, random(new Random(18), 10));
        write(map, model, 2L * OS + 300, random(new Random(19), 10));
        assertEquals(0, map.partialWritesPatchedInMemory(), "no copy survives a deletion");
        assertEquals(4, map.partialWritesOfAbsentObjects(), "twice into absent objects 1 and 2: zeros, not copies");
        assertArrayEquals(model, read(map, 0, model.length));
        assertArrayEquals(Arrays.copyOfRange(model, OS, 2 * OS), stored(1), "no stale bytes came back");
    }

    @Test
    void aFailedPutLeavesNoCopy() {
        java.util.concurrent.atomic.AtomicBoolean failNextPut = new java.util.concurrent.atomic.AtomicBoolean();
        ObjectStore failing = new ObjectStoreLayer(counting) {
            @Override
            public CompletableFuture<Void> put(String key, ByteBuffer data) {
                return failNextPut.getAndSet(false)
                        ? CompletableFuture.failedFuture(
                                new StoreException(StoreException.Kind.SERVER_ERROR, "PUT", key, 500, "injected", null))
                        : next.put(key, data);
            }
        };
        ObjectMap map = new ObjectMap(failing, KEY, 4L * OS, OS);
        byte[] model = new byte[4 * OS];
        write(map, model, OS + 100, random(new Random(20), 10));
        failNextPut.set(true);
        CompletionException failed = assertThrows(
                CompletionException.class,
                () -> map.write(OS + 200, ByteBuffer.wrap(random(new Random(21), 10)), false)
                        .join());
        assertInstanceOf(StoreException.class, failed.getCause());
        write(map, model, OS + 300, random(new Random(22), 10));
        assertEquals(1, map.partialWritesPatchedInMemory(), "the failed write patched the copy");
        assertEquals(1, map.readModifyWriteCycles(), "the write after the failed PUT reads the store again");
        assertArrayEquals(Arrays.copyOfRange(model, OS, 2 * OS), stored(1), "the failed write is not in the object");
    }

    @Test
    void copiesAreBoundedLeastRecentlyUsedFirstOut() {
        ObjectMap map = new ObjectMap(counting, KEY, 4L * OS, OS, 2L * OS);
        byte[] model = new byte[4 * OS];
        for (int block = 0; block < 3; block++) {
            write(map, model, block * (long) OS + 7, random(new Random(30 + block), 10)); // holds 1 and 2 at the end
        }
        assertEquals(2, map.recentObjects());
        write(map, model, 2L * OS + 70, random(new Random(40), 10));
        write(map, model, 70, random(new Random(41), 10));
        assertEquals(3, map.partialWritesOfAbsentObjects(), "objects 0, 1, 2 were absent");
        assertEquals(1, map.readModifyWriteCycles(), "object 0 again: its copy was dropped first");
        assertEquals(1, map.partialWritesPatchedInMemory(), "object 2 was still held");
        assertArrayEquals(model, read(map, 0, model.length));

        ObjectMap none = new ObjectMap(counting, KEY, 4L * OS, OS, 0);
        write(none, model, 100, random(new Random(42), 10));
        write(none, model, 200, random(new Random(43), 10));
        assertEquals(2, none.readModifyWriteCycles(), "no memory for copies: every partial write GETs");
        assertArrayEquals(model, read(none, 0, model.length));
    }

    // ---- partial writes of objects known to be absent are a PUT only (ObjectPresence) ----

    @Test
    void partialWritesOfAbsentObjectsCostOneListPerThousandObjectsAndNoGet() {
        ObjectMap map = map(2500);
        byte[] model = new byte[2500 * OS];
        long[] blocks = {0, 5, 999, 1000, 1001, 2499};
        for (long block : blocks) {
            write(map, model, block * OS + 100, random(new Random(block), 10));
        }
        assertEquals(3, counting.lists.get(), "chunks 0, 1 and 2");
        assertEquals(0, counting.gets.get());
        assertEquals(blocks.length, counting.puts.get());
        assertEquals(blocks.length, map.partialWritesOfAbsentObjects());
        assertEquals(0, map.readModifyWriteCycles());
        for (long block : blocks) {
            assertArrayEquals(
                    Arrays.copyOfRange(model, (int) block * OS, (int) (block + 1) * OS),
                    stored(block),
                    "object " + block + " is stored whole, zeros around the data");
        }
        counting.reset();
        assertArrayEquals(Arrays.copyOfRange(model, 0, 8 * OS), read(map, 0, 8 * OS));
        assertEquals(8, counting.gets.get(), "a read GETs even where a LIST found nothing: listings may lag");
    }

    @Test
    void objectsStoredBeforeOpeningArePatchedNotOverwritten() {
        byte[] model = new byte[2000 * OS];
        for (long block : new long[] {3, 1500}) { // written by an earlier server, or by nbdkit
            byte[] old = random(new Random(block), OS);
            s3.put(objectKey(block), ByteBuffer.wrap(old)).join();
            System.arraycopy(old, 0, model, (int) block * OS, OS);
        }
        ObjectMap map = map(2000);
        write(map, model, 3L * OS + 10, random(new Random(50), 20));
        write(map, model, 4L * OS + 10, random(new Random(51), 20));
        write(map, model, 1500L * OS + 10, random(new Random(52), 20));
        assertEquals(2, map.readModifyWriteCycles(), "objects 3 and 1500 exist: GET + PUT");
        assertEquals(1, map.partialWritesOfAbsentObjects(), "object 4 does not");
        assertArrayEquals(model, read(map, 0, model.length));
    }

    @Test
    void aChunkIsListedPastOnePageOfOtherKeys() {
        // 1000 keys that are not blocks sort between block 0's key and block 1's: block 999 is on the second page
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            puts.add(s3.put(objectKey(0) + "/other-" + i, ByteBuffer.allocate(0)));
        }
        byte[] model = new byte[1000 * OS];
        byte[] old = random(new Random(60), OS);
        puts.add(s3.put(objectKey(999), ByteBuffer.wrap(old)));
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
        System.arraycopy(old, 0, model, 999 * OS, OS);
        ObjectMap map = map(1000);
        write(map, model, 999L * OS + 7, random(new Random(61), 9));
        assertEquals(2, counting.lists.get(), "two pages");
        assertEquals(1, map.readModifyWriteCycles(), "object 999 was found on the second page");
        assertArrayEquals(Arrays.copyOfRange(model, 999 * OS, 1000 * OS), stored(999));
    }

    @Test
    void aFailedListingFallsBackToGetsAndIsNotRepeated() {
        ObjectStore noList = new ObjectStoreLayer(counting) {
            @Override
            public CompletableFuture<ListPage> list(String prefix, String startAfter, String token, int maxKeys) {
                counting.lists.incrementAndGet();
                return CompletableFuture.failedFuture(
                        new StoreException(StoreException.Kind.ACCESS_DENIED, "LIST", prefix, 403, "injected", null));
            }
        };
        ObjectMap map = new ObjectMap(noList, KEY, 8L * OS, OS);
        byte[] model = new byte[8 * OS];
        write(map, model, 100, random(new Random(70), 10));
        write(map, model, OS + 100, random(new Random(71), 10));
        assertEquals(1, counting.lists.get());
        assertEquals(2, map.readModifyWriteCycles(), "unknown objects are read first, as without a listing");
        assertArrayEquals(model, read(map, 0, model.length));
    }

    @Test
    void aWriteThatCompletesWhileItsChunkIsListedIsNotForgotten() {
        CompletableFuture<Void> deliver = new CompletableFuture<>();
        CompletableFuture<Void> served = new CompletableFuture<>();
        ObjectStore slowList = new ObjectStoreLayer(counting) {
            @Override
            public CompletableFuture<ListPage> list(String prefix, String startAfter, String token, int maxKeys) {
                // the LIST is served now, its answer delivered later: it cannot see what happens in between
                return next.list(prefix, startAfter, token, maxKeys).thenCompose(page -> {
                    served.complete(null);
                    return deliver.thenApply(ignored -> page);
                });
            }
        };
        ObjectMap map = new ObjectMap(slowList, KEY, 8L * OS, OS, 0); // no copies: the store is read
        byte[] model = new byte[8 * OS];
        CompletableFuture<Void> first = map.write(100, ByteBuffer.wrap(random(new Random(80), 10)), false);
        System.arraycopy(random(new Random(80), 10), 0, model, 100, 10);
        served.join();
        write(map, model, OS, random(new Random(81), OS)); // object 1 stored whole after the LIST was served
        deliver.complete(null);
        first.join();
        write(map, model, OS + 100, random(new Random(82), 10));
        assertEquals(1, map.readModifyWriteCycles(), "object 1 is known present despite the listing: GET + PUT");
        assertArrayEquals(Arrays.copyOfRange(model, OS, 2 * OS), stored(1), "the whole write survives");
    }

    /** A map opened on {@code objects} objects already stored (by an earlier map: it holds no copy of them). */
    private ObjectMap filled(int objects, byte[] model) {
        new Random(7).nextBytes(model);
        map(objects).write(0, ByteBuffer.wrap(model), false).join();
        counting.reset();
        return map(objects);
    }

    @Test
    void trimStartingAndEndingMidObjectDeletesOnlyTheWholeObjects() {
        byte[] model = new byte[8 * OS];
        ObjectMap map = filled(8, model);
        map.trim(OS / 2, 5L * OS).join(); // [0.5, 5.5) objects: 1..4 whole
        assertEquals(objectKeys(0, 5, 6, 7), keysInBucket());
        Arrays.fill(model, OS, 5 * OS, (byte) 0);
        assertArrayEquals(model, read(map, 0, model.length));
        assertEquals(0, map.readModifyWriteCycles());
        assertEquals(1, counting.deleteBatches.get());
        assertEquals(4, counting.deletedKeys.get());
        assertEquals(0, counting.puts.get(), "trim leaves partial objects alone");
    }

    @Test
    void trimInsideOneObjectDoesNothing() {
        byte[] model = new byte[4 * OS];
        ObjectMap map = filled(4, model);
        map.trim(OS + 1, OS - 2).join();
        map.trim(0, OS - 1).join();
        assertEquals(objectKeys(0, 1, 2, 3), keysInBucket());
        assertEquals(0, counting.total());
    }

    @Test
    void zeroStartingAndEndingMidObjectZeroesTheEndsAndDeletesTheMiddle() {
        byte[] model = new byte[8 * OS];
        ObjectMap map = filled(8, model);
        map.zero(OS / 2, 5L * OS).join();
        Arrays.fill(model, OS / 2, OS / 2 + 5 * OS, (byte) 0);
        assertEquals(objectKeys(0, 5, 6, 7), keysInBucket());
        assertArrayEquals(model, read(map, 0, model.length));
        assertEquals(2, map.readModifyWriteCycles());
    }

    @Test
    void zeroInsideOneObjectAndOfMissingObjects() {
        byte[] model = new byte[4 * OS];
        ObjectMap map = filled(4, model);
        map.zero(OS + 10, 100).join();
        Arrays.fill(model, OS + 10, OS + 110, (byte) 0);
        assertArrayEquals(model, read(map, 0, model.length));

        map.trim(2L * OS, 2L * OS).join();
        counting.reset();
        map.zero(2L * OS + 1, 2L * OS - 2).join(); // both ends partial, both objects missing
        assertEquals(0, counting.puts.get(), "a missing object already reads as zeros");
        assertEquals(objectKeys(0, 1), keysInBucket());
    }

    @Test
    void trimFromBlockZeroToTheEndTouchesOnlyBlockKeys() {
        byte[] model = new byte[4 * OS];
        ObjectMap map = filled(4, model);
        List<String> foreign = List.of(
                "vol/size", "vol/00000000000000001", "vol/000000000000000G", "vol/000000000000000A", "vol0/x", "vo");
        for (String key : foreign) {
            s3.put(key, ByteBuffer.allocate(1)).join();
        }
        map.trim(0, 4L * OS).join();
        assertEquals(foreign.stream().sorted(KeyOrder.UTF8).toList(), keysInBucket());
        assertArrayEquals(new byte[4 * OS], read(map, 0, 4 * OS));
    }

    @Test
    void trimOfManyObjectsListsAndDeletesInBatchesOfAtMost1000() {
        int objects = 2100;
        ObjectMap map = map(objects + 10);
        map.write(0, ByteBuffer.allocate(objects * OS), false).join();
        assertEquals(0, map.readModifyWriteCycles());
        counting.reset();
        map.trim(5L * OS, (long) (objects - 10) * OS).join(); // deletes 5 .. 2094
        assertEquals(3, counting.deleteBatches.get());
        assertEquals(objects - 10, counting.deletedKeys.get());
        assertTrue(counting.lists.get() <= 3, "lists: " + counting.lists.get());
        assertEquals(objectKeys(0, 1, 2, 3, 4, 2095, 2096, 2097, 2098, 2099), keysInBucket());
    }

    @Test
    void trimOfAtMost1000ObjectsDeletesByNameWithoutListing() {
        ObjectMap map = map(20);
        map.write(0, ByteBuffer.allocate(20 * OS), false).join();
        counting.reset();
        map.trim(2L * OS + 1, 8L * OS).join(); // whole objects 3 .. 9; 2 and 10 are partial and stay
        assertEquals(0, counting.lists.get(), "no LIST for a range that fits one DeleteObjects");
        assertEquals(1, counting.deleteBatches.get());
        assertEquals(7, counting.deletedKeys.get());
        counting.reset();
        map.zero(12L * OS, OS).join(); // exactly one object: one DELETE
        assertEquals(0, counting.lists.get());
        assertEquals(1, counting.deletes.get());
        counting.reset();
        map.trim(3L * OS, 3L * OS).join(); // already gone: still one request, and no error
        assertEquals(1, counting.deleteBatches.get() + counting.deletes.get());
        assertEquals(objectKeys(0, 1, 2, 10, 11, 13, 14, 15, 16, 17, 18, 19), keysInBucket());
    }

    @Test
    void aCompletedWriteIsStoredSoFlushWaitsForNothingStillRunning() {
        GatedObjectStore gated = new GatedObjectStore(s3, false);
        HeldDeletes held = new HeldDeletes(gated);
        ObjectMap map = new ObjectMap(held, KEY, 8L * OS, OS);
        gated.open();
        map.write(0, ByteBuffer.allocate(OS), false).join();
        map.write(4L * OS, ByteBuffer.allocate(2 * OS), false).join();
        assertEquals(objectKeys(0, 4, 5), keysInBucket(), "stored when the write completes: write-through");

        gated.shut();
        CompletableFuture<Void> write = map.write(2L * OS + 5, ByteBuffer.allocate(10), false);
        CompletableFuture<Void> trim = map.trim(4L * OS, 2L * OS);
        CompletableFuture<Void> zero = map.zero(0, OS);
        assertEquals(2, held.held(), "the trim's delete and the zero's, held");
        CompletableFuture<Void> flush = map.flush();
        assertTrue(flush.isDone(), "nothing completed before the flush is left to store");
        flush.join();
        assertFalse(write.isDone() || trim.isDone() || zero.isDone());

        gated.open();
        held.releaseAll();
        CompletableFuture.allOf(write, trim, zero).join();
        assertEquals(objectKeys(2), keysInBucket());
    }

    @Test
    void aRequestSpanningManyObjectsFansOutConcurrently() {
        GatedObjectStore gated = new GatedObjectStore(s3, true);
        CountingObjectStore outer = new CountingObjectStore(gated);
        ObjectMap map = new ObjectMap(outer, KEY, 16L * OS, OS);
        CompletableFuture<Void> write = map.write(0, ByteBuffer.allocate(16 * OS), false);
        assertEquals(16, outer.maxInFlight(), "all 16 PUTs issued before any completed");
        gated.open();
        write.join();
        gated.shut();
        outer.reset();
        CompletableFuture<Void> read = map.read(0, ByteBuffer.allocate(16 * OS));
        assertEquals(16, outer.maxInFlight(), "all 16 GETs issued before any completed");
        gated.open();
        read.join();
    }

    @Test
    void aFiftyTebibyteDeviceOpensWithNoRequest() {
        long size = 50L << 40;
        ObjectMap map = new ObjectMap(counting, KEY, size, 1 << 20);
        assertEquals(0, counting.total(), "opening sends nothing");
        map.flush().join();
        assertEquals(0, counting.total());

        byte[] data = random(new Random(8), 1 << 20);
        map.write(size - (1 << 20), ByteBuffer.wrap(data), false).join();
        ByteBuffer into = ByteBuffer.allocate(1 << 20);
        map.read(size - (1 << 20), into).join();
        assertArrayEquals(data, into.array());
        assertEquals(List.of(KEY + "/" + String.format("%016x", (size >> 20) - 1)), keysInBucket());

        counting.reset();
        map.trim(0, size).join(); // the whole device: one LIST, one DeleteObjects, nothing per object
        assertEquals(1, counting.lists.get());
        assertEquals(1, counting.deleteBatches.get());
        assertEquals(List.of(), keysInBucket());
        counting.reset();
        map.zero(4096, size - 8192).join();
        assertEquals(
                2,
                counting.lists.get(),
                "one LIST to delete, one to learn block 0 is absent (the last block" + " this map deleted itself)");
        assertEquals(2, counting.total(), "zero of 50 TiB: nothing else");
    }

    @Test
    void requestsOutsideTheDeviceFailWithAClearMessage() {
        ObjectMap map = map(4);
        for (CompletableFuture<Void> call : List.of(
                map.read(4L * OS - 1, ByteBuffer.allocate(2)),
                map.write(-1, ByteBuffer.allocate(1), false),
                map.trim(0, 4L * OS + 1),
                map.zero(Long.MAX_VALUE, 1))) {
            CompletionException e = assertThrows(CompletionException.class, call::join);
            IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertTrue(cause.getMessage().contains("outside the device (size 16384)"), cause.getMessage());
        }
        assertEquals(0, counting.total());
    }
}
