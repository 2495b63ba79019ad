package dev.ublks3.storage.cache;

import dev.ublks3.storage.BlockDeviceLayer;
import dev.ublks3.storage.Futures;
import dev.ublks3.storage.MutationOrder;
import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.ObjectParts;
import dev.ublks3.storage.layer.Scheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent cache as a block-device layer over the object map ({@code next}): the request paths, in the
 * order read, write, trim, zero, flush; the slots' bookkeeping is {@link CacheSlots}, the uploads
 * {@link CacheUploader}. What always holds (the format's own rules are in docs/cache.md and {@link CacheLog}):
 *
 * <ul>
 *   <li>Everything done to one object here (a read and its fill, a write, an upload's copy, a trim) runs in issue
 *       order ({@link MutationOrder}); so a slot's object and granules change only under its own order, and eviction
 *       takes only slots no operation holds ({@link CacheSlots#pin}) and with no dirty granule.</li>
 *   <li>A read returns dirty granules from the cache and never a clean granule whose CRC32C fails: that one comes
 *       from the store.</li>
 *   <li>A writeback write completes once it is in the cache (FUA: and the WAL synced); writers over the dirty cap
 *       wait for uploads, they never fail for it.</li>
 *   <li>A trim or zero of whole objects drops them from the cache, dirty ones too, before its DELETE, which follows
 *       every upload's PUT issued before it ({@link ObjectDrops}).</li>
 * </ul>
 */
public final class CachedBlockDevice extends BlockDeviceLayer {

    private static final Logger LOG = LoggerFactory.getLogger(CachedBlockDevice.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final CacheLog log;
    private final CacheIndex index;
    private final ReentrantLock lock;
    private final CacheOptions options;
    private final Scheduler scheduler;
    private final Granules granules;
    private final MutationOrder order = new MutationOrder();
    private final CacheThreads threads = new CacheThreads();
    private final CacheSlots slots;
    private final CacheUploader uploader;
    private final ReadMiss readMiss;
    private final WholeGranules wholeGranules;
    private final WriteThrough writeThrough;
    private final ObjectDrops drops;
    private final SequentialRuns runs;
    private final long dirtyGranuleCap;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private CachedBlockDevice(ObjectMap next, CacheLog log, CacheOptions options, Scheduler scheduler) {
        super(next);
        this.log = log;
        this.index = log.index();
        this.lock = log.lock();
        this.options = options;
        this.scheduler = scheduler;
        granules = new Granules(log, next.objectSize(), options.dir());
        slots = new CacheSlots(log, scheduler.nanoTime(), options.maxAge().toNanos());
        uploader = new CacheUploader(next, log, slots, granules, threads, order, options, scheduler);
        CacheWork.Parts parts = new CacheWork.Parts(log, slots, granules, threads);
        readMiss = new ReadMiss(next, parts, options.dir());
        wholeGranules = new WholeGranules(next, parts);
        writeThrough = new WriteThrough(next, parts, options.mode());
        drops = new ObjectDrops(parts, uploader, order);
        runs = new SequentialRuns(options.sequentialCutoff(), 8);
        dirtyGranuleCap = Math.max(1, options.dirtyBytes() / granules.size);
    }

    /**
     * Opens the cache in {@code options.dir()} for {@code identity} (replaying what a crash left, see
     * {@link CacheLog#open}) over {@code next}, and starts the uploader. {@code next} is owned from now on.
     */
    public static CachedBlockDevice open(
            ObjectMap next, CacheIdentity identity, CacheOptions options, Scheduler scheduler, Consumer<String> logLine)
            throws IOException {
        if (identity.objectSize() != next.objectSize()) {
            throw new IllegalArgumentException("cache identity object size " + identity.objectSize()
                    + " is not the device's " + next.objectSize());
        }
        CacheLog log = CacheLog.open(options.dir(), identity, options.slots(next.objectSize()), logLine);
        CachedBlockDevice device = new CachedBlockDevice(next, log, options, scheduler);
        int dirty = device.stats().dirtyObjects();
        if (dirty > 0) {
            logLine.accept("cache " + options.dir() + ": " + dirty + " object(s) not yet in the store: uploading them");
        }
        device.uploader.start();
        return device;
    }

    public CacheMode mode() {
        return options.mode();
    }

    // ---- read ----

    @Override
    public CompletableFuture<Void> read(long offset, ByteBuffer into) {
        int length = into.remaining();
        int base = into.position();
        boolean streaming = runs.streaming(offset, length);
        return Futures.allOf(ObjectParts.start(
                        offset,
                        into,
                        granules.objectSize,
                        (block, inObject, part) ->
                                order.mutate(block, () -> readPart(block, inObject, part, streaming))))
                .thenRun(() -> into.position(base + length));
    }

    /** From the cache when it holds every granule of the part (and they are sound), else a {@link ReadMiss}. */
    private CompletableFuture<Void> readPart(long block, int inObject, ByteBuffer part, boolean streaming) {
        int g0 = inObject / granules.size;
        int gEnd = granules.covering(inObject + part.remaining());
        int slot;
        boolean hit;
        lock.lock();
        try {
            slot = index.slotOf(block);
            hit = slot >= 0 && granules.allValid(slot, g0, gEnd);
            if (slot >= 0) {
                slots.pin(slot);
                if (hit) {
                    slots.hit(slot);
                }
            }
        } finally {
            lock.unlock();
        }
        int held = slot;
        CompletableFuture<Void> work;
        if (hit) {
            work = threads.async(() -> readHit(block, held, g0, gEnd, inObject, part))
                    .thenCompose(served -> served ? DONE : miss(block, held, g0, gEnd, inObject, part, streaming));
        } else {
            work = miss(block, held, g0, gEnd, inObject, part, streaming);
        }
        return work.whenComplete((ignored, error) -> slots.release(held));
    }

    /** Serves the part from the slot; false when a clean granule failed its check (then read as a miss). */
    private boolean readHit(long block, int slot, int g0, int gEnd, int inObject, ByteBuffer part) {
        ByteBuffer granuleBuf = ByteBuffer.allocate((gEnd - g0) * granules.size);
        int bad;
        try {
            bad = log.read(slot, g0, granuleBuf);
        } catch (IOException e) { // the cache disk failed: the store has the clean granules (dirty ones fail there)
            LOG.warn(
                    "cache {}: reading object {} failed ({}): reading the store instead",
                    options.dir(),
                    block,
                    e.getMessage());
            return false;
        }
        if (bad >= 0) {
            granules.damaged(block, bad);
            return false;
        }
        part.duplicate().put(granuleBuf.slice(inObject - g0 * granules.size, part.remaining()));
        hits.incrementAndGet();
        return true;
    }

    private CompletableFuture<Void> miss(
            long block, int slotOrNone, int g0, int gEnd, int inObject, ByteBuffer part, boolean streaming) {
        misses.incrementAndGet();
        return readMiss.read(block, slotOrNone, g0, gEnd, inObject, part, streaming);
    }

    // ---- write ----

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer from, boolean fua) {
        boolean streaming = runs.streaming(offset, from.remaining());
        CompletableFuture<Void> written = Futures.allOf(ObjectParts.start(
                offset,
                from,
                granules.objectSize,
                (block, inObject, part) -> order.mutate(
                        block,
                        () -> options.mode() == CacheMode.WRITEBACK || holdsDirty(block)
                                ? writeBack(block, inObject, part, streaming)
                                : writeThrough.write(block, inObject, part))));
        return fua && (options.mode() == CacheMode.WRITEBACK || anyDirty())
                ? written.thenCompose(ignored -> flush())
                : written;
    }

    /**
     * Whether the cache holds unuploaded granules of the object: then even a writethrough or read-mode cache (one
     * a crash left dirty) writes it as writeback does, or a write to the store alone would be overwritten by the
     * object's upload, or mark its older granules clean unuploaded.
     */
    private boolean holdsDirty(long block) {
        lock.lock();
        try {
            int slot = index.slotOf(block);
            return slot >= 0 && index.anyDirty(slot);
        } finally {
            lock.unlock();
        }
    }

    private boolean anyDirty() {
        lock.lock();
        try {
            return index.dirtySlots() > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Into the cache as dirty granules, once there is room under the dirty cap and a slot. */
    private CompletableFuture<Void> writeBack(long block, int inObject, ByteBuffer part, boolean streaming) {
        int g0 = inObject / granules.size;
        int gEnd = granules.covering(inObject + part.remaining());
        int slot;
        CompletableFuture<Void> room;
        lock.lock();
        try {
            slot = index.slotOf(block);
            long newlyDirty = 0;
            for (int g = g0; g < gEnd; g++) {
                if (slot < 0 || granules.state(slot, g) != GranuleState.DIRTY) {
                    newlyDirty++;
                }
            }
            if (index.dirtyGranules() > 0 && index.dirtyGranules() + newlyDirty > dirtyGranuleCap) {
                room = waitForRoom();
            } else {
                if (slot < 0) {
                    slot = slots.take(block, streaming);
                }
                if (slot >= 0) {
                    slots.pin(slot);
                    room = null;
                } else {
                    room = waitForRoom();
                }
            }
        } finally {
            lock.unlock();
        }
        if (room != null) { // try again once an upload made room (still first in this object's order)
            return room.thenCompose(ignored -> writeBack(block, inObject, part, streaming));
        }
        int held = slot;
        return wholeGranules
                .of(block, held, g0, gEnd, inObject, part)
                .thenCompose(data -> threads.async(() -> {
                    long seq = log.write(held, g0, data);
                    lock.lock();
                    try {
                        slots.written(held, scheduler.nanoTime(), streaming);
                    } finally {
                        lock.unlock();
                    }
                    return seq;
                }))
                .<Void>thenApply(seq -> null)
                .whenComplete((ignored, error) -> slots.release(held));
    }

    /** Under lock: a future completed when an upload made room; the uploader is asked to hurry. */
    private CompletableFuture<Void> waitForRoom() {
        CompletableFuture<Void> room = slots.waitForRoom();
        uploader.hurry();
        return room;
    }

    // ---- trim, zero, flush ----

    @Override
    public CompletableFuture<Void> trim(long offset, long length) {
        long first = (offset + granules.objectSize - 1) >>> granules.shift;
        long end = (offset + length) >>> granules.shift;
        if (first >= end) {
            return next.trim(offset, length); // no whole object: nothing here to drop, nothing below to delete
        }
        return drops.dropThen(first, end - 1, () -> next.trim(offset, length));
    }

    @Override
    public CompletableFuture<Void> zero(long offset, long length) {
        int shift = granules.shift;
        long firstWhole = (offset + granules.objectSize - 1) >>> shift;
        long endOffset = offset + length;
        long endWhole = endOffset >>> shift;
        // in every mode, the partial ends are writes of zeros (so a cached copy follows them), whole objects dropped
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        if (firstWhole >= endWhole) { // within one object, or across one boundary: zeros written, like any write
            parts.add(write(offset, ByteBuffer.allocate((int) length), false));
        } else {
            long headEnd = firstWhole << shift;
            if (headEnd > offset) {
                parts.add(write(offset, ByteBuffer.allocate((int) (headEnd - offset)), false));
            }
            long tailStart = endWhole << shift;
            if (endOffset > tailStart) {
                parts.add(write(tailStart, ByteBuffer.allocate((int) (endOffset - tailStart)), false));
            }
            parts.add(drops.dropThen(firstWhole, endWhole - 1, () -> next.trim(headEnd, tailStart - headEnd)));
        }
        return Futures.allOf(parts);
    }

    /**
     * Writeback: every write completed before the call is on local disk (one WAL sync). Else nothing to wait for,
     * unless a crash left the cache dirty (writes to those objects are cached until uploaded: see holdsDirty).
     */
    @Override
    public CompletableFuture<Void> flush() {
        if (options.mode() != CacheMode.WRITEBACK && !anyDirty()) {
            return next.flush();
        }
        return threads.async(() -> {
            log.sync();
            return null;
        });
    }

    // ---- drain, stats, close ----

    /** What a drain still waits for. */
    public record DrainProgress(int objects, long bytes) {}

    /**
     * Completes once every object dirty now is in the store as of its last write now (later writes may keep it
     * dirty); uploads meanwhile ignore the quiet time. {@code progress()} on the result tells what is left.
     */
    public Drain drain() {
        return new Drain(uploader.drain());
    }

    /** A drain in progress: {@link #done()} completes when it is over. */
    public final class Drain {
        private final PendingDrain pending;

        private Drain(PendingDrain pending) {
            this.pending = pending;
        }

        public CompletableFuture<Void> done() {
            return pending.done();
        }

        /** Objects and bytes (whole objects) still to upload. */
        public DrainProgress progress() {
            lock.lock();
            try {
                return new DrainProgress(pending.objects(), (long) pending.objects() * granules.objectSize);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The cache's counters now. */
    public CacheStats stats() {
        lock.lock();
        try {
            int oldest = index.oldestDirtySlot();
            long uploads = uploader.uploads(); // each one a whole object
            return new CacheStats(
                    options.mode(),
                    index.dirtyGranules() * granules.size,
                    index.dirtySlots(),
                    Duration.ofNanos(oldest < 0 ? 0 : Math.max(0, slots.dirtyFor(oldest, scheduler.nanoTime()))),
                    hits.get(),
                    misses.get(),
                    uploads,
                    uploads * granules.objectSize,
                    uploader.failures(),
                    log.syncCount(),
                    log.diskErrors(),
                    slots.inUse(),
                    index.slots());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            uploader.stop();
            try {
                threads.shutdown();
                log.close();
            } catch (IOException e) {
                LOG.error("cache {}: closing failed: {}", options.dir(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                next.close();
            }
        }
    }
}
