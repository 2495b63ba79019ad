package dev.ublks3.storage.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class StatsBlockDeviceTest {

    private static final int KiB = 1024;
    private static final int OBJECT = 64 * KiB;

    private final FakeBlockDevice device = new FakeBlockDevice(1L << 30, OBJECT);
    private final ManualScheduler clock = new ManualScheduler();
    private final StatsBlockDevice stats = new StatsBlockDevice(device, clock::nanoTime);

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size);
    }

    @Test
    void sizeBucketsArePowerOfTwoRanges() {
        assertEquals(-1, Log2Histogram.sizeBucket(0));
        assertEquals(0, Log2Histogram.sizeBucket(1));
        assertEquals(1, Log2Histogram.sizeBucket(2));
        assertEquals(1, Log2Histogram.sizeBucket(3));
        assertEquals(11, Log2Histogram.sizeBucket(4095));
        assertEquals(12, Log2Histogram.sizeBucket(4096));
        assertEquals(12, Log2Histogram.sizeBucket(8191));
        assertEquals(13, Log2Histogram.sizeBucket(8192));
        assertEquals(62, Log2Histogram.sizeBucket(Long.MAX_VALUE));
    }

    @Test
    void alignmentIsTheLargestPowerOfTwoDividingTheOffsetCapped() {
        int cap = StatsBlockDevice.ALIGNMENT_CAP_LOG2;
        assertEquals(0, Log2Histogram.alignmentBucket(1, cap));
        assertEquals(9, Log2Histogram.alignmentBucket(512 + 4096, cap));
        assertEquals(12, Log2Histogram.alignmentBucket(4096, cap));
        assertEquals(12, Log2Histogram.alignmentBucket(3 * 4096, cap));
        assertEquals(16, Log2Histogram.alignmentBucket(65536, cap));
        assertEquals(29, Log2Histogram.alignmentBucket(1L << 29, cap));
        assertEquals(cap, Log2Histogram.alignmentBucket(1L << 40, cap));
        assertEquals(cap, Log2Histogram.alignmentBucket(0, cap));
    }

    @Test
    void countsSizesAlignmentsAndObjectBoundaries() {
        stats.write(0, buffer(OBJECT), false).join(); // one whole object
        stats.write(60 * KiB, buffer(8 * KiB), true).join(); // straddles 64K, partial at both ends
        stats.write(4 * KiB, buffer(4 * KiB), false).join(); // partial, inside one object
        stats.write(OBJECT - 4 * KiB, buffer(4 * KiB), false).join(); // ends exactly on the boundary
        stats.write(2L * OBJECT, buffer(2 * OBJECT), false).join(); // two whole objects: crosses, not partial
        BlockOpStats w = stats.snapshot().get(BlockOp.WRITE.ordinal());
        assertEquals(BlockOp.WRITE, w.op());
        assertEquals(5, w.ops());
        assertEquals(OBJECT + 8 * KiB + 4 * KiB + 4 * KiB + 2 * OBJECT, w.bytes());
        assertEquals(2, w.straddling());
        assertEquals(3, w.partial());
        assertEquals(1, w.fua());
        assertEquals(2, w.sizes().count(12));
        assertEquals(1, w.sizes().count(13));
        assertEquals(1, w.sizes().count(16));
        assertEquals(1, w.sizes().count(17));
        assertEquals(5, w.sizes().total());
        assertEquals(1, w.alignments().count(StatsBlockDevice.ALIGNMENT_CAP_LOG2)); // offset 0
        assertEquals(3, w.alignments().count(12)); // 60K (= 15 * 4K, twice) and 4K
        assertEquals(1, w.alignments().count(17)); // 128K
        assertEquals(5, w.alignments().total());
    }

    @Test
    void everyOperationIsCountedUnderItsOwnName() {
        stats.read(OBJECT, buffer(4 * KiB)).join();
        stats.trim(0, 4L * OBJECT).join();
        stats.zero(OBJECT / 2, OBJECT).join();
        stats.flush().join();
        stats.flush().join();
        List<BlockOpStats> all = stats.snapshot();
        assertEquals(
                List.of(BlockOp.values()), all.stream().map(BlockOpStats::op).toList());
        assertEquals(1, all.get(BlockOp.READ.ordinal()).ops());
        assertEquals(0, all.get(BlockOp.WRITE.ordinal()).ops());
        assertEquals(4L * OBJECT, all.get(BlockOp.TRIM.ordinal()).bytes());
        assertEquals(1, all.get(BlockOp.ZERO.ordinal()).straddling());
        BlockOpStats flush = all.get(BlockOp.FLUSH.ordinal());
        assertEquals(2, flush.ops());
        assertEquals(0, flush.bytes());
        assertEquals(0, flush.sizes().total());
        assertEquals(0, flush.alignments().total());
        assertEquals(2, flush.latency().count());
    }

    @Test
    void latencyOfSuccessesOnlyAndErrorsApart() {
        device.hold(true);
        CompletableFuture<Void> slow = stats.read(0, buffer(4 * KiB));
        clock.advance(Duration.ofMillis(3));
        CompletableFuture<Void> fast = stats.read(0, buffer(4 * KiB));
        clock.advance(Duration.ofMillis(1));
        device.completeOldest();
        device.completeOldest();
        slow.join();
        fast.join();
        device.hold(false);
        device.failNext(1);
        assertThrows(
                CompletionException.class, () -> stats.read(0, buffer(4 * KiB)).join());

        BlockOpStats read = stats.snapshot().get(BlockOp.READ.ordinal());
        assertEquals(2, read.ops());
        assertEquals(1, read.errors());
        assertEquals(8 * KiB, read.bytes(), "a failed request moves no bytes");
        assertEquals(5_000_000L, read.totalNanos());
        LatencySummary latency = read.latency();
        assertEquals(2, latency.count());
        assertEquals(1_000_000, latency.p50(), 1_000); // 3 significant digits
        assertEquals(4_000_000, latency.max(), 4_000);
        assertEquals(4_000_000, latency.p99(), 4_000);
    }

    @Test
    void concurrentRecordingLosesNothingAndSnapshotsMerge() throws Exception {
        StatsBlockDevice real = new StatsBlockDevice(device);
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    ByteBuffer b = buffer(4 * KiB);
                    for (int i = 0; i < perThread; i++) {
                        real.write((long) i * 4 * KiB, b.clear(), false).join();
                    }
                }));
            }
            long lastSeen = 0;
            do {
                // merging while recording must not lose or double count, and counts only grow
                long seen =
                        real.snapshot().get(BlockOp.WRITE.ordinal()).latency().count();
                assertTrue(seen >= lastSeen);
                lastSeen = seen;
            } while (!done.stream().allMatch(Future::isDone));
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        BlockOpStats w = real.snapshot().get(BlockOp.WRITE.ordinal());
        assertEquals((long) threads * perThread, w.ops());
        assertEquals((long) threads * perThread, w.latency().count());
        assertEquals((long) threads * perThread, w.sizes().count(12));
        assertEquals(0, w.straddling());
    }
}
