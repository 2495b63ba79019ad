package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreLayer;
import dev.ublks3.storage.layer.Scheduler;
import dev.ublks3.storage.testing.CountingObjectStore;
import dev.ublks3.storage.testing.GatedObjectStore;
import dev.ublks3.storage.testing.MemoryObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache layer over a real object map on an in-memory store: what reaches the store (counted), what reads
 * return, and what the cache keeps, in each mode.
 */
class CachedBlockDeviceTest {

    private static final int OS = 64 << 10;
    private static final long SIZE = 64L << 20;
    private static final String KEY = "vol";
    private static final CacheIdentity ID = new CacheIdentity("memory bucket", KEY, OS);

    @TempDir
    Path dir;

    private final MemoryObjectStore memory = new MemoryObjectStore();
    private final CountingObjectStore counting = new CountingObjectStore(memory);
    private final List<CachedBlockDevice> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(CachedBlockDevice::close);
    }

    private CachedBlockDevice open(CacheOptions options) throws IOException {
        return open(options, counting);
    }

    private CachedBlockDevice open(CacheOptions options, ObjectStore store) throws IOException {
        ObjectStore outlivesTheDevice = new ObjectStoreLayer(store) {
            @Override
            public void close() { // the next device of a test (a reopen) uses the same store
            }
        };
        CachedBlockDevice d = CachedBlockDevice.open(
                new ObjectMap(outlivesTheDevice, KEY, SIZE, OS), ID, options, Scheduler.system(), line -> {});
        opened.add(d);
        return d;
    }

    private CacheOptions writethrough() {
        return CacheOptions.of(dir, 4L << 20, CacheMode.WRITETHROUGH);
    }

    private CacheOptions writeback(long bytes) {
        return CacheOptions.of(dir, bytes, CacheMode.WRITEBACK)
                .withQuietTime(Duration.ofDays(1))
                .withMaxAge(Duration.ofDays(1)); // uploads only when drained or at the cap: counts do not race a timer
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void write(CachedBlockDevice d, long offset, byte[] data) {
        d.write(offset, ByteBuffer.wrap(data), false).join();
    }

    private static void drain(CachedBlockDevice d) {
        d.drain().done().orTimeout(30, TimeUnit.SECONDS).join();
    }

    private static byte[] read(CachedBlockDevice d, long offset, int n) {
        ByteBuffer into = ByteBuffer.allocate(n);
        d.read(offset, into).join();
        return into.array();
    }

    private static String key(long block) {
        return KEY + "/" + String.format("%016x", block);
    }

    private byte[] stored(long block) {
        return memory.object(key(block));
    }

    /** Puts a random object (from {@code seed}) in the store behind the cache; returns its bytes. */
    private byte[] storeObject(long block, long seed) {
        byte[] data = random(OS, seed);
        memory.put(key(block), ByteBuffer.wrap(data)).join();
        return data;
    }

    /** Writes a random object at {@code block} through a writeback device, then closes it: the cache keeps it dirty. */
    private byte[] leaveDirty(long block, long seed) throws IOException {
        CachedBlockDevice d = open(writeback(4L << 20));
        byte[] data = random(OS, seed);
        write(d, block * OS, data);
        d.flush().join();
        opened.remove(d);
        d.close();
        return data;
    }

    @Test
    void writebackWritesSendNothingUntilDrainedThenOnePutPerObject() throws IOException {
        CachedBlockDevice d = open(writeback(16L << 20));
        byte[] image = new byte[(int) (4 * OS)];
        Random r = new Random(1);
        for (int i = 0; i < 256; i++) { // 4 KiB writes at random 4 KiB offsets of 4 objects
            int at = r.nextInt(image.length / 4096) * 4096;
            byte[] data = random(4096, i);
            System.arraycopy(data, 0, image, at, 4096);
            write(d, at, data);
        }
        assertEquals(0, counting.total(), "a writeback write waits for no store request");
        assertArrayEquals(image, read(d, 0, image.length), "reads see the writes, from the cache");
        assertEquals(0, counting.gets.get());

        drain(d);
        assertEquals(4, counting.puts.get(), "one PUT per object, however many writes it took");
        assertEquals(
                0, counting.gets.get(), "a LIST told the object map they are absent: nothing to complete them with");
        for (int b = 0; b < 4; b++) {
            byte[] want = new byte[OS];
            System.arraycopy(image, b * OS, want, 0, OS);
            assertArrayEquals(want, stored(b), "object " + b + " in the store");
        }
        CacheStats stats = d.stats();
        assertEquals(0, stats.dirtyBytes());
        assertEquals(0, stats.dirtyObjects());
    }

    @Test
    void aPartialObjectIsCompletedFromTheStoreAtUpload() throws IOException {
        byte[] old = storeObject(3, 7);
        CachedBlockDevice d = open(writeback(4L << 20));
        byte[] patch = random(4096, 8);
        write(d, 3L * OS + 8192, patch);
        assertEquals(0, counting.total());
        drain(d);
        byte[] want = old.clone();
        System.arraycopy(patch, 0, want, 8192, 4096);
        assertArrayEquals(want, stored(3), "the store's bytes around the write are kept");
        assertEquals(1, counting.gets.get());
        assertEquals(1, counting.puts.get());
    }

    @Test
    void writesIntoObjectsKnownAbsentUploadWithNoGet() throws IOException {
        CachedBlockDevice d = open(writeback(16L << 20));
        for (int b = 0; b < 16; b++) {
            write(d, (long) b * OS + 4096 * (b % 16), random(4096, b));
        }
        drain(d);
        assertEquals(16, counting.puts.get());
        assertEquals(0, counting.gets.get(), "a LIST told the object map they are absent");
        assertTrue(counting.lists.get() <= 1, "one LIST for the chunk: " + counting.lists.get());
        byte[] want = new byte[OS];
        System.arraycopy(random(4096, 3), 0, want, 3 * 4096, 4096);
        assertArrayEquals(want, stored(3));
    }

    @Test
    void twoRunsInAnObjectCostOneGetOnceThenTheObjectIsWhole() throws IOException {
        byte[] obj = storeObject(4, 30);
        CachedBlockDevice d = open(writeback(4L << 20));
        byte[] a = random(4096, 31);
        byte[] b = random(4096, 32);
        write(d, 4L * OS + 4096, a);
        write(d, 4L * OS + 5 * 4096, b);
        drain(d);
        byte[] want = obj.clone();
        System.arraycopy(a, 0, want, 4096, 4096);
        System.arraycopy(b, 0, want, 5 * 4096, 4096);
        assertArrayEquals(want, stored(4));
        assertEquals(1, counting.gets.get());
        assertEquals(1, counting.puts.get());
        counting.reset();
        write(d, 4L * OS + 9 * 4096, a);
        write(d, 4L * OS + 12 * 4096, b);
        drain(d);
        assertEquals(0, counting.gets.get(), "the store's copy was kept in the cache");
        assertEquals(1, counting.puts.get());
        System.arraycopy(a, 0, want, 9 * 4096, 4096);
        System.arraycopy(b, 0, want, 12 * 4096, 4096);
        assertArrayEquals(want, stored(4));
        assertArrayEquals(want, read(d, 4L * OS, OS));
    }

    @Test
    void aMissReadsTheWholeObjectOnceThenHits() throws IOException {
        byte[] obj = storeObject(2, 9);
        CachedBlockDevice d = open(writeback(4L << 20));
        byte[] part = read(d, 2L * OS + 4096, 4096);
        assertArrayEquals(java.util.Arrays.copyOfRange(obj, 4096, 8192), part);
        assertEquals(1, counting.gets.get());
        assertArrayEquals(obj, read(d, 2L * OS, OS), "the rest of the object came with the first GET");
        assertArrayEquals(new byte[4096], read(d, 5L * OS, 4096), "an absent object reads as zeros");
        assertEquals(2, counting.gets.get());
        read(d, 5L * OS + 8192, 512);
        assertEquals(2, counting.gets.get(), "an absent object is cached too");
        assertEquals(2, d.stats().hits());
    }

    @Test
    void aReadOverDirtyAndMissingGranulesMergesThem() throws IOException {
        byte[] obj = storeObject(0, 10);
        CachedBlockDevice d = open(writeback(4L << 20));
        byte[] patch = random(4096, 11);
        write(d, 4096, patch);
        byte[] want = obj.clone();
        System.arraycopy(patch, 0, want, 4096, 4096);
        assertArrayEquals(want, read(d, 0, OS), "the dirty granule over the store's object");
        assertArrayEquals(want, read(d, 0, OS), "and again, from the cache alone");
        assertEquals(1, counting.gets.get());
    }

    @Test
    void unalignedWritesKeepTheRestOfTheirGranules() throws IOException {
        byte[] obj = storeObject(1, 12);
        CachedBlockDevice d = open(writeback(4L << 20));
        byte[] small = random(700, 13);
        write(d, OS + 5000, small); // inside granule 1 of object 1
        byte[] want = obj.clone();
        System.arraycopy(small, 0, want, 5000, 700);
        assertArrayEquals(want, read(d, OS, OS));
        drain(d);
        assertArrayEquals(want, stored(1));
    }

    @Test
    void aTrimDropsDirtyDataAndAnUploadInFlightDoesNotBringItBack() throws IOException {
        GatedObjectStore gated = new GatedObjectStore(memory, false);
        CountingObjectStore issued = new CountingObjectStore(gated);
        CachedBlockDevice d = open(writeback(4L << 20), issued);
        write(d, 0, random(OS, 14));
        CachedBlockDevice.Drain drain = d.drain();
        CacheTesting.waitFor(() -> issued.puts.get() == 1); // the upload's PUT, held at the gate
        CompletableFuture<Void> trim = d.trim(0, OS);
        gated.open();
        trim.orTimeout(30, TimeUnit.SECONDS).join();
        drain.done().orTimeout(30, TimeUnit.SECONDS).join();
        assertNull(stored(0), "the trim's DELETE came after the held PUT");
        assertArrayEquals(new byte[OS], read(d, 0, OS));
        assertEquals(0, d.stats().dirtyObjects());
    }

    @Test
    void writersAtTheDirtyCapWaitForUploadsAndDoNotFail() throws IOException {
        GatedObjectStore gated = new GatedObjectStore(counting, false);
        CachedBlockDevice d = open(writeback(1L << 20).withDirtyBytes(2L * OS), gated);
        write(d, 0, random(OS, 15));
        write(d, OS, random(OS, 16));
        CompletableFuture<Void> third = d.write(2L * OS, ByteBuffer.wrap(random(OS, 17)), false);
        sleep(300);
        assertFalse(third.isDone(), "over the cap: waits for an upload");
        gated.open();
        third.orTimeout(30, TimeUnit.SECONDS).join();
        assertTrue(d.stats().dirtyBytes() <= 2L * OS);
    }

    @Test
    void aStreamPassesByWithoutPushingOutObjectsReadTwice() throws IOException {
        for (int b = 0; b < 64; b++) {
            storeObject(b, b);
        }
        CachedBlockDevice d = open(writeback(8L * OS)); // 8 slots
        for (int round = 0; round < 2; round++) {
            for (int b = 0; b < 4; b++) {
                read(d, (long) b * OS + 4096 * 3, 4096); // "metadata": small reads, twice
            }
        }
        long gets = counting.gets.get();
        assertEquals(4, gets);
        for (long at = 16L * OS; at < 64L * OS; at += 1 << 20) {
            read(d, at, 1 << 20); // a 3 MiB sequential stream
        }
        counting.reset();
        for (int b = 0; b < 4; b++) {
            read(d, (long) b * OS + 4096 * 3, 4096);
        }
        assertEquals(0, counting.gets.get(), "the metadata is still cached after the stream");
    }

    @Test
    void writethroughStoresAtOnceAndServesReadsFromTheCache() throws IOException {
        CachedBlockDevice d = open(writethrough());
        byte[] data = random(OS, 18);
        write(d, OS, data);
        assertArrayEquals(data, stored(1), "in the store when the write completes");
        counting.reset();
        assertArrayEquals(data, read(d, OS, OS));
        assertEquals(0, counting.gets.get(), "kept for reads");
        assertEquals(0, d.stats().dirtyObjects());
        d.flush().join();
        assertEquals(0, d.stats().syncs(), "nothing local to sync");
    }

    @Test
    void aDirtyCacheOpenedWritethroughUploadsItAndKeepsLaterWritesInOrder() throws IOException {
        byte[] first = leaveDirty(6, 40);
        CachedBlockDevice wt = open(writethrough());
        byte[] patch = random(4096, 41);
        write(wt, 6L * OS + 8192, patch); // into the dirty object
        byte[] want = first.clone();
        System.arraycopy(patch, 0, want, 8192, 4096);
        CacheTesting.waitFor(() -> wt.stats().dirtyObjects() == 0); // uploaded by itself, though not writeback
        assertArrayEquals(want, stored(6), "the dirty object and the later write, in order");
        assertArrayEquals(want, read(wt, 6L * OS, OS));
    }

    @Test
    void aPartialZeroInWritethroughReadsAsZerosFromTheCachedCopy() throws IOException {
        CachedBlockDevice d = open(writethrough());
        byte[] data = random(OS, 42);
        write(d, 0, data); // stored, and cached
        d.zero(4096, 8192).join();
        System.arraycopy(new byte[8192], 0, data, 4096, 8192);
        assertArrayEquals(data, stored(0));
        assertArrayEquals(data, read(d, 0, OS), "the cached copy follows the zeroes");
    }

    @Test
    void readModeCachesOnlyWhatWasRead() throws IOException {
        CachedBlockDevice d = open(CacheOptions.of(dir, 4L << 20, CacheMode.READ));
        byte[] data = random(OS, 19);
        write(d, 0, data);
        assertArrayEquals(data, stored(0));
        assertEquals(0, d.stats().cachedObjects());
        counting.reset();
        read(d, 0, OS);
        read(d, 0, OS);
        assertEquals(1, counting.gets.get());
        byte[] again = random(4096, 20);
        write(d, 4096, again); // a cached object: its copy follows
        System.arraycopy(again, 0, data, 4096, 4096);
        assertArrayEquals(data, read(d, 0, OS));
        assertEquals(1, counting.gets.get());
    }

    @Test
    void writethroughOverADamagedCachedGranuleDropsTheCopy() throws IOException {
        CachedBlockDevice d = open(writethrough());
        byte[] obj = random(OS, 26);
        write(d, 0, obj); // in the store, and cached
        assertEquals(1, d.stats().cachedObjects());
        damageEveryGranule(d.stats().slots());
        byte[] small = random(700, 27);
        d.write(5000, ByteBuffer.wrap(small), false)
                .orTimeout(30, TimeUnit.SECONDS)
                .join(); // inside granule 1
        System.arraycopy(small, 0, obj, 5000, 700);
        assertArrayEquals(obj, stored(0));
        assertEquals(0, d.stats().cachedObjects(), "the damaged copy is dropped, not patched");
        counting.reset();
        assertArrayEquals(obj, read(d, 0, OS), "read from the store");
        assertEquals(1, counting.gets.get());
    }

    private void damageEveryGranule(int slots) throws IOException {
        try (FileChannel data = FileChannel.open(dir.resolve("data"), StandardOpenOption.WRITE)) {
            for (long at = 0; at < (long) slots * OS; at += 4096) {
                data.write(ByteBuffer.wrap(new byte[] {(byte) 0x5a, (byte) 0xa5}), at + 100);
            }
        }
    }

    @Test
    void aFlushCostsOneLocalSync() throws IOException {
        CachedBlockDevice d = open(writeback(4L << 20));
        write(d, 0, random(4096, 21));
        long before = d.stats().syncs();
        d.flush().join();
        assertTrue(d.stats().syncs() - before <= 2, "at most 2 local syncs per FLUSH");
        assertTrue(d.stats().syncs() - before >= 1, "a FLUSH after a write syncs");
        d.write(4096, ByteBuffer.wrap(random(4096, 22)), true).join();
        assertTrue(d.stats().syncs() - before >= 2, "FUA syncs too");
    }

    @Test
    void aDamagedCleanGranuleIsReadFromTheStoreAndADamagedDirtyOneFails() throws IOException {
        byte[] obj = storeObject(0, 23);
        CachedBlockDevice d = open(writeback(OS * 2L));
        read(d, 0, OS); // cached, clean, in slot 0 or 1
        write(d, OS, random(OS, 24)); // dirty in the other slot
        damageEveryGranule(2);
        counting.reset();
        assertArrayEquals(obj, read(d, 0, OS), "the clean object, from the store");
        assertEquals(1, counting.gets.get());
        CompletionException e = assertThrows(CompletionException.class, () -> read(d, OS, 4096));
        assertTrue(
                e.getCause().getMessage().contains("does not match its CRC32C"),
                e.getCause().getMessage());
    }

    @Test
    void aCacheDiskThatLosesItsDataServesCleanObjectsFromTheStoreAndNeverStaleOnes() throws IOException {
        byte[] clean = storeObject(0, 26);
        storeObject(1, 27);
        CachedBlockDevice d = open(writeback(OS * 4L));
        read(d, 0, OS); // cached, clean
        byte[] dirty = random(OS, 28);
        write(d, OS, dirty); // cached, dirty: the store still has the older object
        try (FileChannel data = FileChannel.open(dir.resolve(CacheFiles.DATA), StandardOpenOption.WRITE)) {
            data.truncate(0); // every slot's bytes gone from under the cache: its reads fail
        }
        counting.reset();
        assertArrayEquals(clean, read(d, 0, OS), "the clean object, from the store");
        assertEquals(1, counting.gets.get());
        // the only current copy of the dirty object is unreadable: the read fails, never serving the store's copy
        CompletionException e = assertThrows(CompletionException.class, () -> read(d, OS, OS));
        assertTrue(String.valueOf(e.getCause()).contains("cache data file ends"), String.valueOf(e.getCause()));
    }

    @Test
    void dirtyDataSurvivesAReopenAndIsUploaded() throws IOException {
        byte[] data = leaveDirty(5, 25);
        assertEquals(0, counting.puts.get(), "closing uploads nothing: the cache keeps it");
        CachedBlockDevice again = open(writeback(4L << 20).withMaxAge(Duration.ofSeconds(30)));
        assertEquals(1, again.stats().dirtyObjects(), "found again");
        assertArrayEquals(data, read(again, 5L * OS, OS));
        CacheTesting.waitFor(() -> again.stats().dirtyObjects() == 0); // recovered data is uploaded at once
        assertArrayEquals(data, stored(5));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
