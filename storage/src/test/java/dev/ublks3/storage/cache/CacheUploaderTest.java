package dev.ublks3.storage.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ublks3.storage.MutationOrder;
import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.layer.ManualScheduler;
import dev.ublks3.storage.s3.S3ObjectStore;
import dev.ublks3.storage.testing.CountingObjectStore;
import dev.ublks3.storage.testing.GatedObjectStore;
import dev.ublks3.storage.testing.LocalS3Fixture;
import dev.ublks3.storage.testing.MemoryObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uploader on its own, over a real cache log: dirty objects are made straight through the log, time moves
 * only when a test says so, and each tick is waited for (it schedules the next when it is done).
 */
class CacheUploaderTest {

    private static final int OS = CacheTesting.IDENTITY.objectSize();
    private static final String KEY = "disk";
    private static final long SIZE = 64L * OS;

    @TempDir
    Path dir;

    private final ManualScheduler time = new ManualScheduler();
    private final CacheThreads threads = new CacheThreads();
    private final MemoryObjectStore memory = new MemoryObjectStore();
    private ObjectMap store;
    private CacheLog log;
    private CacheSlots slots;
    private CacheUploader uploader;

    private void start(ObjectStore below, Duration quiet, Duration maxAge) throws IOException {
        store = new ObjectMap(below, KEY, SIZE, OS);
        log = CacheTesting.open(dir);
        CacheOptions options = CacheOptions.of(dir, (long) CacheTesting.SLOTS * OS, CacheMode.WRITEBACK)
                .withQuietTime(quiet)
                .withMaxAge(maxAge);
        slots = new CacheSlots(log, time.nanoTime(), options.maxAge().toNanos());
        uploader = new CacheUploader(
                store, log, slots, new Granules(log, OS, dir), threads, new MutationOrder(), options, time);
        uploader.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (uploader != null) {
            uploader.stop();
        }
        threads.shutdown();
        if (log != null) {
            log.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private <T> T locked(Supplier<T> work) {
        return CacheTesting.locked(log, work);
    }

    /** Writes the whole of {@code block} into the cache, as the device's writeback path does; returns its slot. */
    private int write(long block, byte[] data) throws IOException {
        int slot = locked(() -> {
            int s = log.index().slotOf(block);
            return s >= 0 ? s : slots.take(block, false);
        });
        log.write(slot, 0, ByteBuffer.wrap(data));
        locked(() -> {
            slots.written(slot, time.nanoTime(), false);
            return null;
        });
        return slot;
    }

    /** Moves time on a tick (200 ms) at a time, each time waiting for the tick to decide what to start. */
    private void advance(Duration by) {
        for (long left = by.toMillis(); left > 0; left -= 200) {
            time.advance(Duration.ofMillis(Math.min(200, left)));
            CacheTesting.waitFor(() -> time.pending() == 1); // the tick schedules the next one when it is done
        }
    }

    private boolean dirty(int slot) {
        return locked(() -> log.index().anyDirty(slot));
    }

    /** Neither uploading the slot nor waiting to retry it: no upload was started. */
    private boolean idle(int slot) {
        return locked(() -> slots.mayUpload(slot, time.nanoTime()));
    }

    private byte[] stored(long block) {
        return memory.object(KEY + "/" + String.format("%016x", block));
    }

    @Test
    void anObjectIsUploadedOnceItHasNotBeenWrittenForTheQuietTime() throws IOException {
        start(memory, Duration.ofSeconds(2), Duration.ofDays(1));
        byte[] data = CacheTesting.random(OS, 1);
        int slot = write(3, data);
        advance(Duration.ofMillis(1800));
        assertTrue(dirty(slot) && idle(slot), "not quiet long enough: not started");
        advance(Duration.ofMillis(400));
        CacheTesting.waitFor(() -> !dirty(slot));
        assertArrayEquals(data, stored(3));
        assertEquals(1, uploader.uploads());
    }

    @Test
    void anObjectWrittenAllTheTimeIsUploadedAtItsMaxAge() throws IOException {
        start(memory, Duration.ofSeconds(2), Duration.ofSeconds(5));
        int slot = -1;
        for (int i = 0; i < 4; i++) { // a write every second: never quiet
            slot = write(4, CacheTesting.random(OS, i));
            advance(Duration.ofSeconds(1));
        }
        int held = slot;
        assertTrue(dirty(held) && idle(held), "4 s old: not started");
        byte[] last = CacheTesting.random(OS, 9);
        write(4, last);
        advance(Duration.ofMillis(1200));
        CacheTesting.waitFor(() -> !dirty(held));
        assertArrayEquals(last, stored(4));
    }

    @Test
    void aWriteDuringAnUploadKeepsTheObjectDirtyForTheNextOne() throws IOException {
        GatedObjectStore gated = new GatedObjectStore(memory, false);
        CountingObjectStore issued = new CountingObjectStore(gated);
        start(issued, Duration.ofDays(1), Duration.ofDays(1));
        byte[] first = CacheTesting.random(OS, 10);
        int slot = write(5, first);
        PendingDrain drain = uploader.drain();
        CacheTesting.waitFor(() -> issued.puts.get() == 1); // the copy is taken, its PUT held at the gate
        byte[] second = CacheTesting.random(OS, 11);
        write(5, second);
        gated.open();
        drain.done().orTimeout(30, TimeUnit.SECONDS).join();
        assertArrayEquals(first, stored(5), "the drain waited for what was dirty when it began");
        CacheTesting.waitFor(() -> idle(slot));
        assertTrue(dirty(slot), "the Clean covers only the copy: the later write is still to upload");
        uploader.drain().done().orTimeout(30, TimeUnit.SECONDS).join();
        assertFalse(dirty(slot));
        assertArrayEquals(second, stored(5));
    }

    @Test
    void aFailedUploadKeepsTheObjectDirtyAndIsTriedAgainLater() throws IOException {
        String bucket = "cache-upload-retry-" + System.nanoTime(); // created only later: PUTs fail until then
        start(S3ObjectStore.open(LocalS3Fixture.config(bucket), OS), Duration.ofDays(1), Duration.ofDays(1));
        byte[] data = CacheTesting.random(OS, 12);
        int slot = write(6, data);
        PendingDrain drain = uploader.drain();
        CacheTesting.waitFor(() -> uploader.failures() == 1 && !locked(() -> slots.mayUpload(slot, time.nanoTime())));
        assertTrue(dirty(slot), "kept dirty");
        assertFalse(drain.done().isDone());
        LocalS3Fixture.server().createBucket(bucket);
        advance(Duration.ofMillis(4800));
        assertTrue(
                dirty(slot) && locked(() -> slots.mayUpload(slot, Long.MAX_VALUE)),
                "neither uploaded nor uploading before its retry time (5 s)");
        advance(Duration.ofMillis(400));
        drain.done().orTimeout(30, TimeUnit.SECONDS).join();
        assertFalse(dirty(slot));
        ByteBuffer back = ByteBuffer.allocate(OS);
        store.read(6L * OS, back).join();
        assertArrayEquals(data, back.array(), "in the store");
    }

    @Test
    void aDrainOfNothingIsDoneAtOnce() throws IOException {
        start(memory, Duration.ofDays(1), Duration.ofDays(1));
        assertTrue(uploader.drain().done().isDone());
    }

    @Test
    void aDrainStopsWaitingForAnObjectDroppedMeanwhileAndItsCleanIsVoid() throws IOException {
        GatedObjectStore gated = new GatedObjectStore(memory, false);
        CountingObjectStore issued = new CountingObjectStore(gated);
        start(issued, Duration.ofDays(1), Duration.ofDays(1));
        int slot = write(7, CacheTesting.random(OS, 13));
        PendingDrain drain = uploader.drain();
        CacheTesting.waitFor(() -> issued.puts.get() == 1); // the upload's PUT, held at the gate
        log.lock().lock();
        try { // as a trim does
            assertTrue(slots.free(slot));
            uploader.checkDrains();
        } finally {
            log.lock().unlock();
        }
        assertTrue(drain.done().isDone(), "the object is gone: nothing left to wait for");
        int again = write(8, CacheTesting.random(OS, 14)); // the slot, for another object
        assertEquals(slot, again);
        gated.open();
        CacheTesting.waitFor(() -> locked(() -> slots.mayUpload(slot, Long.MAX_VALUE)));
        assertTrue(dirty(slot), "the old upload's Clean does not touch the new object");
        assertEquals(0, uploader.uploads());
    }
}
