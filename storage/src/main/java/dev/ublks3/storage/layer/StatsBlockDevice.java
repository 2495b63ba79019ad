package dev.ublks3.storage.layer;

import dev.ublks3.storage.BlockDevice;
import dev.ublks3.storage.BlockDeviceLayer;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Counts block requests in nbdkit's stats-filter spirit: per operation the requests, bytes, time, a histogram of
 * request sizes and of offset alignment, latency percentiles (HdrHistogram), and how many requests straddle an
 * object boundary or touch an object only partly. Successes only, except the error count. Recording takes no
 * lock (LongAdders and HdrHistogram recorders); {@link #snapshot()} merges.
 */
public final class StatsBlockDevice extends BlockDeviceLayer {

    /** Alignment histogram cap: offsets aligned to 1 GiB or more (and offset 0) share the last bucket. */
    public static final int ALIGNMENT_CAP_LOG2 = 30;

    private final LongSupplier nanoClock;
    private final long startNanos;
    private final Map<BlockOp, Counters> counters = new EnumMap<>(BlockOp.class);

    public StatsBlockDevice(BlockDevice next) {
        this(next, System::nanoTime);
    }

    public StatsBlockDevice(BlockDevice next, LongSupplier nanoClock) {
        super(next);
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        for (BlockOp op : BlockOp.values()) {
            counters.put(op, new Counters());
        }
    }

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer into) {
        return timed(BlockOp.READ, offset, into.remaining(), false, () -> next.read(offset, into));
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer from, boolean fua) {
        return timed(BlockOp.WRITE, offset, from.remaining(), fua, () -> next.write(offset, from, fua));
    }

    @Override
    public CompletableFuture<Void> trim(long offset, long length) {
        return timed(BlockOp.TRIM, offset, length, false, () -> next.trim(offset, length));
    }

    @Override
    public CompletableFuture<Void> zero(long offset, long length) {
        return timed(BlockOp.ZERO, offset, length, false, () -> next.zero(offset, length));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return timed(BlockOp.FLUSH, -1, 0, false, next::flush);
    }

    /** Time since this layer was made. */
    public long elapsedNanos() {
        return nanoClock.getAsLong() - startNanos;
    }

    /** Every operation's counters, in {@link BlockOp} order. */
    public List<BlockOpStats> snapshot() {
        return counters.entrySet().stream()
                .map(e -> e.getValue().snapshot(e.getKey()))
                .toList();
    }

    /** @param offset -1 for flush, which has no range */
    private CompletableFuture<Void> timed(
            BlockOp op, long offset, long length, boolean fua, Supplier<CompletableFuture<Void>> call) {
        Counters c = counters.get(op);
        return c.time(nanoClock, call, ok -> c.count(offset, length, fua, objectSize()));
    }

    private static final class Counters extends CallCounters {
        final LongAdder straddling = new LongAdder();
        final LongAdder partial = new LongAdder();
        final LongAdder fua = new LongAdder();
        final LongAdder[] sizes = adders(64);
        final LongAdder[] alignments = adders(ALIGNMENT_CAP_LOG2 + 1);

        void count(long offset, long length, boolean isFua, int objectSize) {
            if (isFua) {
                fua.increment();
            }
            if (offset < 0) {
                return; // flush: no range
            }
            bytes.add(length);
            int sizeBucket = Log2Histogram.sizeBucket(length);
            if (sizeBucket >= 0) {
                sizes[sizeBucket].increment();
            }
            alignments[Log2Histogram.alignmentBucket(offset, ALIGNMENT_CAP_LOG2)].increment();
            if (length > 0 && offset / objectSize != (offset + length - 1) / objectSize) {
                straddling.increment();
            }
            if (offset % objectSize != 0 || (offset + length) % objectSize != 0) {
                partial.increment();
            }
        }

        BlockOpStats snapshot(BlockOp op) {
            LatencySummary summary = latency.summary();
            return new BlockOpStats(
                    op,
                    ops.sum(),
                    errors.sum(),
                    bytes.sum(),
                    latency.totalNanos(),
                    straddling.sum(),
                    partial.sum(),
                    fua.sum(),
                    summary,
                    sums(sizes),
                    sums(alignments));
        }

        private static LongAdder[] adders(int n) {
            LongAdder[] adders = new LongAdder[n];
            for (int i = 0; i < n; i++) {
                adders[i] = new LongAdder();
            }
            return adders;
        }

        private static Log2Histogram sums(LongAdder[] adders) {
            long[] counts = new long[adders.length];
            for (int i = 0; i < adders.length; i++) {
                counts[i] = adders[i].sum();
            }
            return new Log2Histogram(counts);
        }
    }
}
