package dev.ublks3.storage.cache;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Group commit for the WAL: one caller at a time syncs, and callers whose records that sync covered return
 * without syncing again. A sync covers every live WAL file (after a checkpoint switched files, the old one may
 * still hold unsynced records), so a FLUSH costs at most two fdatasyncs.
 */
final class GroupSync {

    private final LongSupplier appendedSeq;
    private final Supplier<List<WalSegment>> liveSegments;
    private final Object monitor = new Object();
    private final AtomicLong syncs = new AtomicLong();
    /** Every record up to this sequence number is durable. Guarded by {@code monitor}. */
    private long durableSeq;
    /** Whether a caller is syncing now. Guarded by {@code monitor}. */
    private boolean syncing;

    /**
     * @param appendedSeq the last sequence number appended (every record up to it is in a live segment or in a
     *        durable checkpoint)
     * @param liveSegments the WAL files not yet covered by a durable checkpoint, oldest first
     */
    GroupSync(LongSupplier appendedSeq, Supplier<List<WalSegment>> liveSegments) {
        this.appendedSeq = appendedSeq;
        this.liveSegments = liveSegments;
    }

    long count() {
        return syncs.get();
    }

    /** Returns once every record appended before the call is durable. */
    void sync() throws IOException {
        long target = appendedSeq.getAsLong();
        synchronized (monitor) {
            while (durableSeq < target && syncing) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the cache WAL's sync");
                }
            }
            if (durableSeq >= target) {
                return;
            }
            syncing = true;
        }
        long reached = -1;
        try {
            // read the sequence before the segments: every record up to it is in one of them (or checkpointed)
            long upTo = appendedSeq.getAsLong();
            for (WalSegment segment : liveSegments.get()) {
                if (segment.force()) {
                    syncs.incrementAndGet();
                }
            }
            reached = upTo;
        } finally {
            synchronized (monitor) {
                syncing = false;
                durableSeq = Math.max(durableSeq, reached);
                monitor.notifyAll();
            }
        }
    }
}
