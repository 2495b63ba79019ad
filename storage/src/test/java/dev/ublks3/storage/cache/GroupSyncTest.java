package dev.ublks3.storage.cache;

import static dev.ublks3.storage.cache.CacheTesting.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sync(): concurrent callers share fdatasyncs, and a sync covers the WAL file a checkpoint just left. */
class GroupSyncTest {

    private static final int THREADS = 8;

    @TempDir
    Path dir;

    @Test
    void concurrentSyncsShareOneFdatasync() throws Exception {
        try (CacheLog log = open(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CyclicBarrier appended = new CyclicBarrier(THREADS);
                long before = log.syncCount();
                List<Future<Void>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int slot = t;
                    done.add(pool.submit(() -> {
                        log.assign(slot, 1000 + slot);
                        appended.await();
                        log.sync();
                        return null;
                    }));
                }
                for (Future<Void> f : done) {
                    f.get();
                }
                long syncs = log.syncCount() - before;
                assertTrue(syncs < THREADS, syncs + " fdatasyncs for " + THREADS + " concurrent syncs");
                assertEquals(1, syncs, "every record was appended before the first sync began");
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void aSyncWithNothingNewCostsNothing() throws IOException {
        try (CacheLog log = open(dir)) {
            long before = log.syncCount();
            log.sync();
            assertEquals(before, log.syncCount());
            log.assign(0, 1);
            log.sync();
            log.sync();
            assertEquals(before + 1, log.syncCount());
            log.lock().lock();
            try {
                assertThrows(IllegalStateException.class, log::sync, "a sync must not hold the index lock");
            } finally {
                log.lock().unlock();
            }
        }
    }

    @Test
    void aSyncCoversTheWalFileACheckpointJustLeft() throws IOException {
        CacheLog[] holder = new CacheLog[1];
        long[] syncs = new long[1];
        holder[0] = open(dir, step -> {
            if (step == CheckpointStep.NEXT_WAL_LIVE
                    && holder[0] != null
                    && holder[0].index().slotOf(1) >= 0) {
                CacheLog log = holder[0];
                long before = log.syncCount();
                log.assign(2, 2);
                // record 1 is only in the old WAL file, record 2 in the new one: a FLUSH now costs two syncs
                log.sync();
                syncs[0] = log.syncCount() - before;
            }
        });
        try (CacheLog log = holder[0]) {
            log.assign(1, 1);
            log.checkpoint();
            assertEquals(2, syncs[0]);
        }
    }

    @Test
    void threadsWritingAndSyncingWhileCheckpointsRunLoseNothing() throws Exception {
        int granule = 4096;
        CacheLogOptions smallWal = new CacheLogOptions(64 << 10);
        CacheLog log = CacheLog.open(dir, CacheTesting.IDENTITY, CacheTesting.SLOTS, line -> {}, smallWal);
        int gps = log.objectSize() / granule;
        byte[][][] last = new byte[THREADS][gps][];
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int slot = t;
                done.add(pool.submit(() -> {
                    log.assign(slot, 500 + slot);
                    for (int i = 0; i < 100; i++) {
                        int g = i % gps;
                        byte[] data = new byte[granule];
                        java.util.Arrays.fill(data, (byte) (slot * 31 + i));
                        log.write(slot, g, ByteBuffer.wrap(data));
                        last[slot][g] = data;
                        if (i % 7 == 0) {
                            log.sync();
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        log.abandon();
        long wal = new CacheFiles(dir)
                .walNumbers().stream().mapToLong(n -> n).max().orElseThrow();
        assertTrue(wal > 3, "checkpoints ran in the background: WAL file " + wal);
        try (CacheLog reopened = CacheLog.open(dir, CacheTesting.IDENTITY, CacheTesting.SLOTS, line -> {}, smallWal)) {
            for (int slot = 0; slot < THREADS; slot++) {
                for (int g = 0; g < gps; g++) {
                    ByteBuffer back = ByteBuffer.allocate(granule);
                    assertEquals(-1, reopened.read(slot, g, back), "slot " + slot + " granule " + g);
                    assertEquals(ByteBuffer.wrap(last[slot][g]), back, "slot " + slot + " granule " + g);
                }
            }
            assertEquals(THREADS, reopened.index().dirtySlots());
        }
    }
}
