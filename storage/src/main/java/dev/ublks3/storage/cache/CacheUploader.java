package dev.ublks3.storage.cache;

import dev.ublks3.storage.Futures;
import dev.ublks3.storage.MutationOrder;
import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.layer.Scheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writeback cache's uploader: every tick, and at once when a drain or a writer at the dirty cap wants it, it
 * starts the uploads that are due, each one dirty object to the store as one PUT, then a Clean. What always holds:
 *
 * <ul>
 *   <li>At most {@code options.uploads()} uploads are in flight, at most one per slot.</li>
 *   <li>An object is due once it has not been written for the quiet time or has been dirty for the max age; every
 *       dirty object is, while a drain or a writer waiting for room wants it.</li>
 *   <li>What an upload PUTs is copied, and its PUT issued to the object map, in the object's order
 *       ({@link MutationOrder}): a later trim's DELETE follows it.</li>
 *   <li>Its Clean covers only the writes the copy held, and applies only to the slot's same incarnation: writes
 *       meanwhile keep the object dirty, and a trim or eviction in between voids it.</li>
 *   <li>A failed upload keeps its object dirty and is tried again {@value #RETRY_SECONDS} s later: never
 *       dropped. So does one whose Clean cannot be recorded (a full cache disk), though it is in the store.</li>
 *   <li>A drain completes once every object dirty when it began is in the store as of its last write then, or
 *       gone (recorded clean or not).</li>
 * </ul>
 */
final class CacheUploader extends CacheWork {

    private static final Logger LOG = LoggerFactory.getLogger(CachedBlockDevice.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int RETRY_SECONDS = 5;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(RETRY_SECONDS);

    private final ObjectMap store;
    private final CacheIndex index;
    private final MutationOrder order;
    private final CacheOptions options;
    private final Scheduler scheduler;

    // under lock
    private final long[] uploadedUpTo;
    private final List<PendingDrain> drains = new ArrayList<>();
    private int inFlight;

    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean stopped;

    CacheUploader(
            ObjectMap store,
            CacheLog log,
            CacheSlots slots,
            Granules granules,
            CacheThreads threads,
            MutationOrder order,
            CacheOptions options,
            Scheduler scheduler) {
        super(new Parts(log, slots, granules, threads));
        this.store = store;
        this.index = log.index();
        this.order = order;
        this.options = options;
        this.scheduler = scheduler;
        this.uploadedUpTo = new long[index.slots()];
    }

    /** Starts the ticks (in every mode: a writethrough or read cache may hold dirty data a crash left). */
    void start() {
        scheduleTick();
    }

    /** No tick starts uploads from now on. */
    void stop() {
        stopped = true;
    }

    /** Starts the due uploads now, not at the next tick. */
    void hurry() {
        threads.execute(this::startDueUploads);
    }

    long uploads() {
        return uploads.get();
    }

    long failures() {
        return failures.get();
    }

    // ---- ticks and due uploads ----

    private void scheduleTick() {
        if (!stopped) { // in every mode: a cache opened writethrough or read may hold dirty data a crash left
            scheduler.schedule(TICK_NANOS, () -> {
                if (!stopped) {
                    threads.execute(this::tick);
                }
            });
        }
    }

    private void tick() {
        try {
            startDueUploads();
        } catch (RuntimeException e) {
            LOG.error("cache uploader: {}", e.toString());
        } finally {
            scheduleTick();
        }
    }

    private void startDueUploads() {
        List<Integer> starting = new ArrayList<>();
        lock.lock();
        try {
            if (index.dirtySlots() == 0 || inFlight >= options.uploads()) {
                return;
            }
            long now = scheduler.nanoTime();
            boolean urgent = !drains.isEmpty() || slots.anyWaiting();
            // every 200 ms under the cache lock: walk the dirty list in place, and stop once enough have started
            index.forEachDirtySlot(s -> {
                if (inFlight + starting.size() >= options.uploads()) {
                    return false;
                }
                boolean due = slots.mayUpload(s, now)
                        && (urgent
                                || slots.quietFor(s, now) >= options.quietTime().toNanos()
                                || slots.dirtyFor(s, now) >= options.maxAge().toNanos());
                if (due) {
                    slots.uploadStarted(s);
                    starting.add(s);
                }
                return true;
            });
            inFlight += starting.size();
        } finally {
            lock.unlock();
        }
        for (int s : starting) {
            upload(s);
        }
    }

    // ---- one upload ----

    /**
     * One dirty object to the store, as one PUT. Which PUT is decided in the object's order, from what the cache
     * holds then: every granule (the whole object, no GET); a single run of dirty granules (the object map's partial
     * write: one GET, or none when it knows the object absent); else the store's copy, read first (one GET), with the
     * cache's granules laid over it (and the cache's invalid granules filled from it). Once stored: Clean, as of
     * the last write the copy held.
     */
    private void upload(int slot) {
        long block;
        long inc;
        boolean fetch;
        lock.lock();
        try {
            block = index.blockOf(slot);
            inc = slots.incarnation(slot);
            fetch = !index.allValid(slot) && dirtyRuns(slot) > 1;
        } finally {
            lock.unlock();
        }
        ByteBuffer storeCopy = fetch ? ByteBuffer.allocate(granules.objectSize) : null;
        CompletableFuture<Void> base = fetch ? store.readToComplete(block, storeCopy) : DONE;
        long[] upTo = {-1};
        CompletableFuture<Void> stored = base.thenCompose(ignored -> {
            CompletableFuture<CompletableFuture<Void>> issued = new CompletableFuture<>();
            order.mutate(
                            block,
                            () -> threads.async(() -> {
                                Upload u = copyForUpload(slot, block, inc, storeCopy);
                                upTo[0] = u == null ? -1 : u.upTo();
                                issued.complete(
                                        u == null
                                                ? DONE
                                                : store.write(granules.offset(block, 0) + u.offset(), u.data(), false));
                                return null;
                            }))
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            issued.completeExceptionally(e);
                        }
                    });
            return issued.thenCompose(put -> put);
        });
        stored.whenComplete((ignored, error) -> threads.async(() -> {
            uploaded(slot, block, inc, upTo[0], error);
            return null;
        }));
    }

    /** What one upload writes below: {@code data} at {@code offset} in the object, as of write {@code upTo}. */
    private record Upload(int offset, ByteBuffer data, long upTo) {}

    /**
     * In the object's order: what to upload now, or null when there is nothing to (trimmed, evicted, uploaded) or
     * the plan no longer fits (more dirty runs than when it was made: the next tick plans again).
     */
    private Upload copyForUpload(int slot, long block, long inc, ByteBuffer storeCopy) throws IOException {
        long upTo;
        boolean complete;
        lock.lock();
        try {
            if (slots.incarnation(slot) != inc || index.blockOf(slot) != block || !index.anyDirty(slot)) {
                return null;
            }
            upTo = index.lastWrite(slot);
            complete = index.allValid(slot);
            if (!complete && storeCopy == null && dirtyRuns(slot) > 1) {
                return null;
            }
            slots.pin(slot);
        } finally {
            lock.unlock();
        }
        try {
            if (!complete && storeCopy == null) { // one dirty run: the object map completes the object
                return dirtyRun(slot, block, upTo);
            }
            ByteBuffer base = storeCopy != null ? storeCopy : ByteBuffer.allocate(granules.objectSize);
            return wholeObject(slot, block, upTo, base);
        } finally {
            slots.release(slot);
        }
    }

    /** The slot's one run of dirty granules. */
    private Upload dirtyRun(int slot, long block, long upTo) throws IOException {
        int g = 0;
        while (granules.state(slot, g) != GranuleState.DIRTY) {
            g++;
        }
        int end = granules.runEnd(slot, g, granules.perObject, GranuleState.DIRTY);
        ByteBuffer run = ByteBuffer.allocate((end - g) * granules.size);
        granules.readDirty(block, slot, g, run.duplicate());
        return new Upload(g * granules.size, run, upTo);
    }

    /**
     * The whole object: the cache's valid granules over {@code whole} (the store's copy, or zeros when every
     * granule is valid); the invalid ones are filled from it, so the next upload needs no GET (unless the cache
     * disk is full: the upload does not need them).
     */
    private Upload wholeObject(int slot, long block, long upTo, ByteBuffer whole) throws IOException {
        int size = granules.size;
        for (int g = 0; g < granules.perObject; ) {
            GranuleState s = granules.state(slot, g);
            int end = granules.runEnd(slot, g, granules.perObject, s);
            ByteBuffer run = whole.slice(g * size, (end - g) * size);
            if (s == GranuleState.INVALID) {
                fillQuietly(slot, block, g, run);
            } else {
                int bad = log.read(slot, g, run);
                if (bad >= 0) {
                    if (granules.state(slot, bad) == GranuleState.DIRTY) {
                        throw granules.damagedDirty(block, bad);
                    }
                    // a clean granule that fails its check: the store's bytes are the ones to keep
                    store.read(granules.offset(block, bad), whole.slice(bad * size, size))
                            .join();
                }
            }
            g = end;
        }
        return new Upload(0, whole, upTo);
    }

    private void fillQuietly(int slot, long block, int g, ByteBuffer run) {
        try {
            log.fill(slot, g, run);
        } catch (IOException e) { // the granules stay invalid; the upload has their bytes
            LOG.warn(
                    "cache: keeping the store's copy of object {} failed ({}): uploading it anyway",
                    block,
                    e.getMessage());
        }
    }

    /** Under lock: the runs of dirty granules in the slot. */
    private int dirtyRuns(int slot) {
        int runs = 0;
        boolean inRun = false;
        for (int g = 0; g < granules.perObject; g++) {
            boolean dirty = index.state(slot, g) == GranuleState.DIRTY;
            if (dirty && !inRun) {
                runs++;
            }
            inRun = dirty;
        }
        return runs;
    }

    private void uploaded(int slot, long block, long inc, long upTo, Throwable error) {
        List<CompletableFuture<Void>> wake;
        lock.lock();
        try {
            inFlight--;
            if (error != null) {
                failures.incrementAndGet();
                slots.uploadFailed(slot, scheduler.nanoTime() + RETRY_NANOS);
                LOG.warn(
                        "cache: uploading object {} failed, kept dirty and tried again in {} s: {}",
                        block,
                        RETRY_SECONDS,
                        Futures.unwrap(error).getMessage());
                return;
            }
            slots.uploadDone(slot);
            if (upTo >= 0 && slots.incarnation(slot) == inc && index.blockOf(slot) == block) {
                // in the store as of upTo, whether or not the Clean can be recorded: drains waiting for it are done
                uploadedUpTo[slot] = upTo;
                try {
                    log.clean(slot, upTo);
                    uploads.incrementAndGet();
                    slots.cleaned(slot);
                } catch (IOException e) { // a full cache disk: the log is making room meanwhile
                    failures.incrementAndGet();
                    slots.uploadFailed(slot, scheduler.nanoTime() + RETRY_NANOS);
                    LOG.warn(
                            "cache: object {} is in the store, but recording it clean failed: kept dirty, uploaded"
                                    + " again in {} s: {}",
                            block,
                            RETRY_SECONDS,
                            e.getMessage());
                }
            }
            wake = slots.takeWaiters();
            checkDrains(slot);
        } finally {
            lock.unlock();
        }
        wake.forEach(w -> w.complete(null));
        if (!wake.isEmpty()) {
            hurry();
        }
    }

    // ---- drains ----

    /** A drain of every object dirty now (see {@link CachedBlockDevice#drain}); uploads start at once. */
    PendingDrain drain() {
        lock.lock();
        try {
            PendingDrain d = new PendingDrain();
            for (int s : index.dirtySlotsInOrder()) {
                d.add(s, slots.incarnation(s), index.lastWrite(s));
            }
            drains.add(d);
            checkDrains();
            return d;
        } finally {
            lock.unlock();
            hurry();
        }
    }

    /** Under lock: drops from each drain the objects uploaded (or gone) since; completes the empty ones. */
    void checkDrains() {
        drains.removeIf(d -> d.settle(this::settled));
    }

    /** Under lock: the same for the one slot an upload just finished. */
    private void checkDrains(int slot) {
        drains.removeIf(d -> d.settle(slot, this::settled));
    }

    /** A drain's target no longer waits: its object was dropped or replaced, is clean, or uploaded as of then. */
    private boolean settled(PendingDrain.Target t) {
        return slots.incarnation(t.slot()) != t.incarnation()
                || !index.anyDirty(t.slot())
                || uploadedUpTo[t.slot()] >= t.lastWrite();
    }
}
