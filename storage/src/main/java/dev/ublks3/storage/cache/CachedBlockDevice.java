package dev.ublks3.storage.cache;

import dev.ublks3.storage.BlockDeviceLayer;
import dev.ublks3.storage.Futures;
import dev.ublks3.storage.MutationOrder;
import dev.ublks3.storage.ObjectMap;
import dev.ublks3.storage.ObjectParts;
import dev.ublks3.storage.layer.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent cache as a block-device layer over the object map ({@code next}). What always holds (the format's
 * own rules are in docs/cache.md and {@link CacheLog}):
 *
 * <ul>
 *   <li>Everything done to one object here (a read and its fill, a write, an upload's copy, a trim) runs in issue
 *       order ({@link MutationOrder}); so a slot's object and granules change only under its own order, and eviction
 *       takes only slots no operation holds ({@code busy}) and with no dirty granule.</li>
 *   <li>A read returns dirty granules from the cache and never a clean granule whose CRC32C fails: that one comes
 *       from the store.</li>
 *   <li>An upload's PUT is issued to {@code next} inside its object's order, so a later trim's DELETE follows it;
 *       its Clean applies only to the slot's same incarnation (a trim or eviction in between voids it).</li>
 *   <li>Writers over the dirty cap wait for uploads; they never fail for it.</li>
 * </ul>
 */
public final class CachedBlockDevice extends BlockDeviceLayer {

    private static final Logger LOG = LoggerFactory.getLogger(CachedBlockDevice.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long UPLOAD_RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Objects up to this size are fetched whole on a miss: one GET, and the rest of the object is warm too. */
    private static final int WHOLE_FETCH_LIMIT = 1 << 20;
    private static final long NOT_DIRTY = Long.MIN_VALUE;

    private final ObjectMap objectMap;
    private final CacheLog log;
    private final CacheIndex index;
    private final ReentrantLock lock;
    private final CacheOptions options;
    private final Scheduler scheduler;
    private final int objectSize;
    private final int granule;
    private final int granules;
    private final int shift;
    private final MutationOrder order = new MutationOrder();
    private final ExecutorService io;
    private final SegmentedLru lru;
    private final SequentialRuns runs;
    private final long dirtyGranuleCap;

    // per slot, under lock
    private final int[] busy;
    private final long[] incarnation;
    private final long[] lastWriteNanos;
    private final long[] firstDirtyNanos;
    private final long[] retryAfterNanos;
    private final long[] uploadedUpTo;
    private final boolean[] uploading;
    private final IntStack free;
    private final List<CompletableFuture<Void>> capacityWaiters = new ArrayList<>();
    private final List<Drain> drains = new ArrayList<>();
    private int uploadsInFlight;

    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong uploadedBytes = new AtomicLong();
    private final AtomicLong uploadFailures = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private CachedBlockDevice(ObjectMap next, CacheLog log, CacheOptions options, Scheduler scheduler) {
        super(next);
        this.objectMap = next;
        this.log = log;
        this.index = log.index();
        this.lock = log.lock();
        this.options = options;
        this.scheduler = scheduler;
        objectSize = next.objectSize();
        granule = log.granule();
        granules = objectSize / granule;
        shift = Integer.numberOfTrailingZeros(objectSize);
        int slots = log.slots();
        io = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "ublk-s3-cache");
            t.setDaemon(true);
            return t;
        });
        lru = new SegmentedLru(slots, 0.8);
        runs = new SequentialRuns(options.sequentialCutoff(), 8);
        dirtyGranuleCap = Math.max(1, options.dirtyBytes() / granule);
        busy = new int[slots];
        incarnation = new long[slots];
        lastWriteNanos = new long[slots];
        firstDirtyNanos = new long[slots];
        java.util.Arrays.fill(firstDirtyNanos, NOT_DIRTY);
        retryAfterNanos = new long[slots];
        uploadedUpTo = new long[slots];
        uploading = new boolean[slots];
        free = new IntStack(slots);
        long now = scheduler.nanoTime();
        for (int s = slots - 1; s >= 0; s--) {
            if (index.blockOf(s) < 0) {
                free.push(s);
            } else {
                lru.insert(s, false);
                if (index.anyDirty(s)) { // recovered: due at once (as old as the oldest allowed)
                    lastWriteNanos[s] = now - options.maxAge().toNanos() - 1;
                    firstDirtyNanos[s] = lastWriteNanos[s];
                }
            }
        }
    }

    /**
     * Opens the cache in {@code options.dir()} for {@code identity} (replaying what a crash left, see
     * {@link CacheLog#open}) over {@code next}, and starts the uploader. {@code next} is owned from now on.
     */
    public static CachedBlockDevice open(ObjectMap next, CacheIdentity identity, CacheOptions options,
                                         Scheduler scheduler, Consumer<String> logLine) throws IOException {
        if (identity.objectSize() != next.objectSize()) {
            throw new IllegalArgumentException("cache identity object size " + identity.objectSize() + " is not the device's "
                    + next.objectSize());
        }
        CacheLog log = CacheLog.open(options.dir(), identity, options.slots(next.objectSize()), logLine);
        CachedBlockDevice device = new CachedBlockDevice(next, log, options, scheduler);
        int dirty = device.stats().dirtyObjects();
        if (dirty > 0) {
            logLine.accept("cache " + options.dir() + ": " + dirty + " object(s) not yet in the store: uploading them");
        }
        device.scheduleTick();
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
        return Futures.allOf(ObjectParts.start(offset, into, objectSize, (block, inObject, part) ->
                order.mutate(block, () -> readPart(block, inObject, part, streaming))))
                .thenRun(() -> into.position(base + length));
    }

    private CompletableFuture<Void> readPart(long block, int inObject, ByteBuffer part, boolean streaming) {
        int g0 = inObject / granule;
        int gEnd = ceilGranules(inObject + part.remaining());
        int slot;
        boolean hit;
        lock.lock();
        try {
            slot = index.slotOf(block);
            hit = slot >= 0 && validRange(slot, g0, gEnd);
            if (slot >= 0) {
                busy[slot]++;
                if (hit) {
                    lru.hit(slot);
                }
            }
        } finally {
            lock.unlock();
        }
        int held = slot;
        CompletableFuture<Void> work;
        if (hit) {
            work = async(() -> readHit(block, held, g0, gEnd, inObject, part))
                    .thenCompose(served -> served ? DONE : readMiss(block, held, g0, gEnd, inObject, part, streaming));
        } else {
            work = readMiss(block, held, g0, gEnd, inObject, part, streaming);
        }
        return work.whenComplete((ignored, error) -> release(held));
    }

    /** Serves the part from the slot; false when a clean granule failed its check (then read as a miss). */
    private boolean readHit(long block, int slot, int g0, int gEnd, int inObject, ByteBuffer part) {
        ByteBuffer granuleBuf = ByteBuffer.allocate((gEnd - g0) * granule);
        int bad;
        try {
            bad = log.read(slot, g0, granuleBuf);
        } catch (IOException e) { // the cache disk failed: the store has the clean granules (dirty ones fail there)
            LOG.warn("cache {}: reading object {} failed ({}): reading the store instead", options.dir(), block,
                    e.getMessage());
            return false;
        }
        if (bad >= 0) {
            damaged(block, slot, bad);
            return false;
        }
        part.duplicate().put(granuleBuf.slice(inObject - g0 * granule, part.remaining()));
        hits.incrementAndGet();
        return true;
    }

    /**
     * Reads the granules from the store (the whole object when small and not streaming), lays the cache's dirty
     * granules over them, answers, and fills the invalid ones unless the read is streaming.
     */
    private CompletableFuture<Void> readMiss(long block, int slotOrNone, int g0, int gEnd, int inObject, ByteBuffer part,
                                             boolean streaming) {
        misses.incrementAndGet();
        int f0 = streaming || objectSize > WHOLE_FETCH_LIMIT ? g0 : 0;
        int fEnd = streaming || objectSize > WHOLE_FETCH_LIMIT ? gEnd : granules;
        ByteBuffer fetched = ByteBuffer.allocate((fEnd - f0) * granule);
        long objectOffset = block << shift;
        return next.read(objectOffset + (long) f0 * granule, fetched.duplicate()).thenCompose(ignored -> async(() -> {
            int slot = slotOrNone;
            if (slot >= 0) {
                overlayDirty(block, slot, f0, fEnd, fetched);
            }
            part.duplicate().put(fetched.slice(inObject - f0 * granule, part.remaining()));
            if (!streaming) {
                fill(block, slot, f0, fEnd, fetched);
            }
            return null;
        }));
    }

    /** Copies the slot's dirty granules of {@code f0..fEnd} over {@code fetched}: the cache's are newer. */
    private void overlayDirty(long block, int slot, int f0, int fEnd, ByteBuffer fetched) throws IOException {
        for (int g = f0; g < fEnd; ) {
            if (state(slot, g) != GranuleState.DIRTY) {
                g++;
                continue;
            }
            int end = g;
            while (end < fEnd && state(slot, end) == GranuleState.DIRTY) {
                end++;
            }
            ByteBuffer run = fetched.slice((g - f0) * granule, (end - g) * granule);
            int bad = log.read(slot, g, run);
            if (bad >= 0) {
                throw damagedDirty(block, bad);
            }
            g = end;
        }
    }

    /** Puts the fetched granules that are invalid in the cache into it; takes a slot if the object has none. */
    private void fill(long block, int slotOrNone, int f0, int fEnd, ByteBuffer fetched) {
        int slot = slotOrNone;
        if (slot < 0) {
            lock.lock();
            try {
                slot = take(block, false);
                if (slot < 0) {
                    return; // every slot dirty or busy: serve without caching
                }
                busy[slot]++;
            } catch (UncheckedIOException e) {
                LOG.warn("cache {}: keeping object {} failed ({}): served from the store", options.dir(), block,
                        e.getCause().getMessage());
                return;
            } finally {
                lock.unlock();
            }
        }
        try {
            for (int g = f0; g < fEnd; ) {
                if (state(slot, g) != GranuleState.INVALID) {
                    g++;
                    continue;
                }
                int end = g;
                while (end < fEnd && state(slot, end) == GranuleState.INVALID) {
                    end++;
                }
                log.fill(slot, g, fetched.slice((g - f0) * granule, (end - g) * granule));
                g = end;
            }
        } catch (IOException e) { // a full or failing cache disk: the read has its data, the cache goes without
            LOG.warn("cache {}: keeping object {} failed ({}): served from the store", options.dir(), block,
                    e.getMessage());
        } finally {
            if (slotOrNone < 0) {
                release(slot);
            }
        }
    }

    // ---- write ----

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuffer from, boolean fua) {
        boolean streaming = runs.streaming(offset, from.remaining());
        CompletableFuture<Void> written = Futures.allOf(ObjectParts.start(offset, from, objectSize, (block, inObject, part) ->
                order.mutate(block, () -> options.mode() == CacheMode.WRITEBACK
                        ? writeBack(block, inObject, part, streaming)
                        : writeThrough(block, inObject, part))));
        return fua && options.mode() == CacheMode.WRITEBACK ? written.thenCompose(ignored -> flush()) : written;
    }

    /** Into the cache as dirty granules, once there is room under the dirty cap and a slot. */
    private CompletableFuture<Void> writeBack(long block, int inObject, ByteBuffer part, boolean streaming) {
        int g0 = inObject / granule;
        int gEnd = ceilGranules(inObject + part.remaining());
        int slot;
        CompletableFuture<Void> room;
        lock.lock();
        try {
            slot = index.slotOf(block);
            long newlyDirty = 0;
            for (int g = g0; g < gEnd; g++) {
                if (slot < 0 || state(slot, g) != GranuleState.DIRTY) {
                    newlyDirty++;
                }
            }
            if (index.dirtyGranules() > 0 && index.dirtyGranules() + newlyDirty > dirtyGranuleCap) {
                room = waitForRoom();
            } else {
                if (slot < 0) {
                    slot = take(block, streaming);
                }
                if (slot >= 0) {
                    busy[slot]++;
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
        return granuleAligned(block, held, g0, gEnd, inObject, part)
                .thenCompose(data -> async(() -> {
                    long seq = log.write(held, g0, data);
                    lock.lock();
                    try {
                        long now = scheduler.nanoTime();
                        if (firstDirtyNanos[held] == NOT_DIRTY) {
                            firstDirtyNanos[held] = now;
                        }
                        lastWriteNanos[held] = now;
                        if (streaming) {
                            lru.insert(held, true);
                        } else {
                            lru.hit(held);
                        }
                    } finally {
                        lock.unlock();
                    }
                    return seq;
                }))
                .<Void>thenApply(seq -> null)
                .whenComplete((ignored, error) -> release(held));
    }

    /**
     * Into the store first; then the cached copy is brought up to date (writethrough: cached even if it was not;
     * read: only if it was). A granule the write covers in part is updated only if the cache holds the rest of it.
     */
    private CompletableFuture<Void> writeThrough(long block, int inObject, ByteBuffer part) {
        long offset = (block << shift) + inObject;
        return next.write(offset, part, false).thenCompose(ignored -> async(() -> {
            int g0 = inObject / granule;
            int gEnd = ceilGranules(inObject + part.remaining());
            int slot;
            lock.lock();
            try {
                slot = index.slotOf(block);
                if (slot < 0 && options.mode() == CacheMode.WRITETHROUGH) {
                    slot = take(block, false);
                }
                if (slot < 0) {
                    return null;
                }
                busy[slot]++;
            } finally {
                lock.unlock();
            }
            try {
                int a = g0;
                int b = gEnd;
                if (inObject % granule != 0 && state(slot, g0) == GranuleState.INVALID) {
                    a++; // the cache lacks the rest of the first granule: leave it out
                }
                if ((inObject + part.remaining()) % granule != 0 && b > a && state(slot, b - 1) == GranuleState.INVALID) {
                    b--;
                }
                if (a < b) {
                    ByteBuffer data = ByteBuffer.allocate((b - a) * granule);
                    if (a * granule < inObject || b * granule > inObject + part.remaining()) {
                        int bad = log.read(slot, a, data.duplicate());
                        if (bad >= 0) {
                            freeSlot(slot); // clean (this mode uploads nothing): drop it rather than patch bad bytes
                            return null;
                        }
                    }
                    data.put(inObject - a * granule, part, part.position(), part.remaining());
                    long seq = log.write(slot, a, data);
                    log.clean(slot, seq);
                }
            } finally {
                release(slot);
            }
            return null;
        }));
    }

    /**
     * The write's granules, whole: the write's bytes, and where it covers a granule only in part, the rest from
     * the cache (checked) or else from the store.
     */
    private CompletableFuture<ByteBuffer> granuleAligned(long block, int slot, int g0, int gEnd, int inObject,
                                                         ByteBuffer part) {
        int end = inObject + part.remaining();
        if (inObject % granule == 0 && end % granule == 0) {
            return CompletableFuture.completedFuture(part);
        }
        ByteBuffer data = ByteBuffer.allocate((gEnd - g0) * granule);
        List<CompletableFuture<Void>> edges = new ArrayList<>(2);
        edges.add(loadGranule(block, slot, g0, data.slice(0, granule)));
        if (gEnd - 1 > g0 && end % granule != 0) {
            edges.add(loadGranule(block, slot, gEnd - 1, data.slice((gEnd - 1 - g0) * granule, granule)));
        }
        return Futures.allOf(edges).thenApply(ignored -> {
            data.put(inObject - g0 * granule, part, part.position(), part.remaining());
            return data;
        });
    }

    /** One granule's current bytes: from the cache when valid and sound, else from the store (dirty ones never). */
    private CompletableFuture<Void> loadGranule(long block, int slot, int g, ByteBuffer into) {
        return async(() -> {
            GranuleState s = state(slot, g);
            if (s == GranuleState.INVALID) {
                return false;
            }
            int bad = log.read(slot, g, into.duplicate());
            if (bad >= 0) {
                if (s == GranuleState.DIRTY) {
                    throw damagedDirty(block, bad);
                }
                damaged(block, slot, bad);
                return false;
            }
            return true;
        }).thenCompose(cached -> cached ? DONE : next.read((block << shift) + (long) g * granule, into.duplicate()));
    }

    // ---- trim, zero, flush ----

    @Override
    public CompletableFuture<Void> trim(long offset, long length) {
        long first = (offset + objectSize - 1) >>> shift;
        long end = (offset + length) >>> shift;
        if (first >= end) {
            return next.trim(offset, length); // no whole object: nothing here to drop, nothing below to delete
        }
        return dropThen(first, end - 1, () -> next.trim(offset, length));
    }

    @Override
    public CompletableFuture<Void> zero(long offset, long length) {
        if (options.mode() != CacheMode.WRITEBACK) {
            long first = (offset + objectSize - 1) >>> shift;
            long end = (offset + length) >>> shift;
            return first >= end ? next.zero(offset, length) : dropThen(first, end - 1, () -> next.zero(offset, length));
        }
        long endOffset = offset + length;
        long firstWhole = (offset + objectSize - 1) >>> shift;
        long endWhole = endOffset >>> shift;
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
            parts.add(dropThen(firstWhole, endWhole - 1, () -> next.trim(headEnd, tailStart - headEnd)));
        }
        return Futures.allOf(parts);
    }

    /**
     * Drops whole objects {@code first..last} from the cache (dirty ones too: their data is being deleted), makes
     * that durable if it dropped dirty data (so a crash cannot upload it again), then issues {@code below} in the
     * objects' order: a DELETE after every PUT issued before it.
     */
    private CompletableFuture<Void> dropThen(long first, long last, Supplier<CompletableFuture<Void>> below) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        order.range(first, last, () -> async(() -> {
            boolean droppedDirty = drop(first, last);
            if (droppedDirty) {
                log.sync();
            }
            return null;
        }).thenApply(ignored -> {
            Futures.call(below).whenComplete((v, e) -> {
                if (e != null) {
                    result.completeExceptionally(Futures.unwrap(e));
                } else {
                    result.complete(null);
                }
            });
            return (Void) null;
        })).whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(Futures.unwrap(e));
            }
        });
        return result;
    }

    private boolean drop(long first, long last) throws IOException {
        boolean dirty = false;
        lock.lock();
        try {
            if (last - first < index.slots()) {
                for (long b = first; b <= last; b++) {
                    int s = index.slotOf(b);
                    if (s >= 0) {
                        dirty |= freeSlot(s);
                    }
                }
            } else {
                for (int s = 0; s < index.slots(); s++) {
                    long b = index.blockOf(s);
                    if (b >= first && b <= last) {
                        dirty |= freeSlot(s);
                    }
                }
            }
            checkDrains();
        } finally {
            lock.unlock();
        }
        return dirty;
    }

    /** Writeback: every write completed before the call is on local disk (one WAL sync). Else: nothing to wait for. */
    @Override
    public CompletableFuture<Void> flush() {
        if (options.mode() != CacheMode.WRITEBACK) {
            return next.flush();
        }
        return async(() -> {
            log.sync();
            return null;
        });
    }

    // ---- uploads ----

    private void scheduleTick() {
        if (!closed.get() && options.mode() == CacheMode.WRITEBACK) {
            scheduler.schedule(TICK_NANOS, () -> {
                if (!closed.get()) {
                    io.execute(this::tick);
                }
            });
        }
    }

    /** Starts the uploads that are due: quiet or old enough, or wanted now (a drain, a writer at the cap). */
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
            if (index.dirtySlots() == 0 || uploadsInFlight >= options.uploads()) {
                return;
            }
            long now = scheduler.nanoTime();
            boolean urgent = !drains.isEmpty() || !capacityWaiters.isEmpty();
            for (int s : index.dirtySlotsInOrder()) {
                if (uploadsInFlight + starting.size() >= options.uploads()) {
                    break;
                }
                if (uploading[s] || now < retryAfterNanos[s]) {
                    continue;
                }
                boolean due = urgent || now - lastWriteNanos[s] >= options.quietTime().toNanos()
                        || now - firstDirtyNanos[s] >= options.maxAge().toNanos();
                if (due) {
                    uploading[s] = true;
                    starting.add(s);
                }
            }
            uploadsInFlight += starting.size();
        } finally {
            lock.unlock();
        }
        for (int s : starting) {
            upload(s);
        }
    }

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
            inc = incarnation[slot];
            fetch = !index.allValid(slot) && dirtyRuns(slot) > 1;
        } finally {
            lock.unlock();
        }
        ByteBuffer storeCopy = fetch ? ByteBuffer.allocate(objectSize) : null;
        CompletableFuture<Void> base = fetch ? objectMap.readToComplete(block, storeCopy) : DONE;
        long[] upTo = {-1};
        CompletableFuture<Void> stored = base.thenCompose(ignored -> {
            CompletableFuture<CompletableFuture<Void>> issued = new CompletableFuture<>();
            order.mutate(block, () -> async(() -> {
                Upload u = copyForUpload(slot, block, inc, storeCopy);
                upTo[0] = u == null ? -1 : u.upTo();
                issued.complete(u == null ? DONE : next.write((block << shift) + u.offset(), u.data(), false));
                return null;
            })).whenComplete((v, e) -> {
                if (e != null) {
                    issued.completeExceptionally(e);
                }
            });
            return issued.thenCompose(put -> put);
        });
        stored.whenComplete((ignored, error) -> async(() -> {
            uploaded(slot, block, inc, upTo[0], error);
            return null;
        }));
    }

    /** What one upload writes below: {@code data} at {@code offset} in the object, as of write {@code upTo}. */
    private record Upload(int offset, ByteBuffer data, long upTo) {
    }

    /**
     * In the object's order: what to upload now, or null when there is nothing to (trimmed, evicted, uploaded) or
     * the plan no longer fits (more dirty runs than when it was made: the next tick plans again).
     */
    private Upload copyForUpload(int slot, long block, long inc, ByteBuffer storeCopy) throws IOException {
        long upTo;
        boolean complete;
        int runs;
        lock.lock();
        try {
            if (incarnation[slot] != inc || index.blockOf(slot) != block || !index.anyDirty(slot)) {
                return null;
            }
            upTo = index.lastWrite(slot);
            complete = index.allValid(slot);
            runs = dirtyRuns(slot);
            if (!complete && storeCopy == null && runs > 1) {
                return null;
            }
            busy[slot]++;
        } finally {
            lock.unlock();
        }
        try {
            if (!complete && storeCopy == null) { // one dirty run: the object map completes the object
                int g = 0;
                while (state(slot, g) != GranuleState.DIRTY) {
                    g++;
                }
                int end = g;
                while (end < granules && state(slot, end) == GranuleState.DIRTY) {
                    end++;
                }
                ByteBuffer run = ByteBuffer.allocate((end - g) * granule);
                int bad = log.read(slot, g, run.duplicate());
                if (bad >= 0) {
                    throw damagedDirty(block, bad);
                }
                return new Upload(g * granule, run, upTo);
            }
            ByteBuffer whole = storeCopy != null ? storeCopy : ByteBuffer.allocate(objectSize);
            for (int g = 0; g < granules; ) {
                GranuleState s = state(slot, g);
                int end = g;
                while (end < granules && state(slot, end) == s) {
                    end++;
                }
                ByteBuffer run = whole.slice(g * granule, (end - g) * granule);
                if (s == GranuleState.INVALID) {
                    log.fill(slot, g, run); // the store's copy: clean now, and the next upload needs no GET
                } else {
                    int bad = log.read(slot, g, run);
                    if (bad >= 0) {
                        if (state(slot, bad) == GranuleState.DIRTY) {
                            throw damagedDirty(block, bad);
                        }
                        // a clean granule that fails its check: the store's bytes are the ones to keep
                        next.read((block << shift) + (long) bad * granule, whole.slice(bad * granule, granule)).join();
                    }
                }
                g = end;
            }
            return new Upload(0, whole, upTo);
        } finally {
            release(slot);
        }
    }

    /** Under lock: the runs of dirty granules in the slot. */
    private int dirtyRuns(int slot) {
        int runs = 0;
        boolean inRun = false;
        for (int g = 0; g < granules; g++) {
            boolean dirty = index.state(slot, g) == GranuleState.DIRTY;
            if (dirty && !inRun) {
                runs++;
            }
            inRun = dirty;
        }
        return runs;
    }

    private void uploaded(int slot, long block, long inc, long upTo, Throwable error) throws IOException {
        List<CompletableFuture<Void>> wake;
        lock.lock();
        try {
            uploading[slot] = false;
            uploadsInFlight--;
            if (error != null) {
                uploadFailures.incrementAndGet();
                retryAfterNanos[slot] = scheduler.nanoTime() + UPLOAD_RETRY_NANOS;
                LOG.warn("cache: uploading object {} failed, kept dirty and tried again in {} s: {}", block,
                        TimeUnit.NANOSECONDS.toSeconds(UPLOAD_RETRY_NANOS), Futures.unwrap(error).getMessage());
                return;
            }
            if (upTo >= 0 && incarnation[slot] == inc && index.blockOf(slot) == block) {
                log.clean(slot, upTo);
                uploadedUpTo[slot] = upTo;
                uploads.incrementAndGet();
                uploadedBytes.addAndGet(objectSize);
                if (!index.anyDirty(slot)) {
                    firstDirtyNanos[slot] = NOT_DIRTY;
                }
            }
            wake = new ArrayList<>(capacityWaiters);
            capacityWaiters.clear();
            checkDrains();
        } finally {
            lock.unlock();
        }
        wake.forEach(w -> w.complete(null));
        if (!wake.isEmpty()) {
            io.execute(this::startDueUploads);
        }
    }

    // ---- drain and stats ----

    /** What a drain still waits for. */
    public record DrainProgress(int objects, long bytes) {
    }

    /**
     * Completes once every object dirty now is in the store as of its last write now (later writes may keep it
     * dirty); uploads meanwhile ignore the quiet time. {@code progress()} on the result tells what is left.
     */
    public Drain drain() {
        lock.lock();
        try {
            Drain d = new Drain();
            for (int s : index.dirtySlotsInOrder()) {
                d.slots.add(new long[] {s, incarnation[s], index.lastWrite(s)});
            }
            drains.add(d);
            checkDrains();
            return d;
        } finally {
            lock.unlock();
            io.execute(this::startDueUploads);
        }
    }

    /** A drain in progress: {@link #done()} completes when it is over. */
    public final class Drain {
        private final List<long[]> slots = new ArrayList<>(); // slot, incarnation, last write at the call
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        public CompletableFuture<Void> done() {
            return done;
        }

        /** Objects and bytes (whole objects) still to upload. */
        public DrainProgress progress() {
            lock.lock();
            try {
                return new DrainProgress(slots.size(), (long) slots.size() * objectSize);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Under lock: drops from each drain the objects uploaded (or gone) since; completes the empty ones. */
    private void checkDrains() {
        drains.removeIf(d -> {
            d.slots.removeIf(e -> {
                int s = (int) e[0];
                return incarnation[s] != e[1] || !index.anyDirty(s) || uploadedUpTo[s] >= e[2];
            });
            if (d.slots.isEmpty()) {
                d.done.complete(null);
                return true;
            }
            return false;
        });
    }

    /** The cache's counters now. */
    public CacheStats stats() {
        lock.lock();
        try {
            long oldest = 0;
            long now = scheduler.nanoTime();
            for (int s : index.dirtySlotsInOrder()) {
                oldest = Math.max(oldest, now - firstDirtyNanos[s]);
                break; // oldest first
            }
            int cached = index.slots() - free.size();
            return new CacheStats(options.mode(), index.dirtyGranules() * granule, index.dirtySlots(),
                    Duration.ofNanos(index.dirtySlots() == 0 ? 0 : oldest), hits.get(), misses.get(), uploads.get(),
                    uploadedBytes.get(), uploadFailures.get(), log.syncCount(), cached, index.slots());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            io.shutdown();
            try {
                io.awaitTermination(10, TimeUnit.SECONDS);
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

    // ---- slots ----

    /** Under lock: a slot for {@code block}, free or the least recently used clean idle one; -1 when none is. */
    private int take(long block, boolean cold) {
        int slot = free.isEmpty() ? lru.victim(s -> busy[s] == 0 && !uploading[s] && !index.anyDirty(s)) : free.pop();
        if (slot < 0) {
            return -1;
        }
        incarnation[slot]++;
        try {
            log.assign(slot, block);
        } catch (IOException e) {
            if (index.blockOf(slot) < 0) {
                free.push(slot);
            }
            throw new UncheckedIOException(e);
        }
        lru.insert(slot, cold);
        firstDirtyNanos[slot] = NOT_DIRTY;
        retryAfterNanos[slot] = 0;
        return slot;
    }

    /** Under lock: the slot holds nothing now; true if it had dirty granules. */
    private boolean freeSlot(int slot) throws IOException {
        boolean dirty = index.anyDirty(slot);
        log.free(slot);
        incarnation[slot]++;
        lru.remove(slot);
        free.push(slot);
        firstDirtyNanos[slot] = NOT_DIRTY;
        return dirty;
    }

    /** The operation holding the slot is done; a writer waiting for a slot may find this one now. */
    private void release(int slot) {
        if (slot < 0) {
            return;
        }
        List<CompletableFuture<Void>> wake = List.of();
        lock.lock();
        try {
            if (--busy[slot] == 0 && !capacityWaiters.isEmpty() && !index.anyDirty(slot)) {
                wake = new ArrayList<>(capacityWaiters);
                capacityWaiters.clear();
            }
        } finally {
            lock.unlock();
        }
        wake.forEach(w -> w.complete(null));
    }

    /** Under lock: a future completed when an upload made room; the uploader is asked to hurry. */
    private CompletableFuture<Void> waitForRoom() {
        CompletableFuture<Void> room = new CompletableFuture<>();
        capacityWaiters.add(room);
        io.execute(this::startDueUploads);
        return room;
    }

    private GranuleState state(int slot, int g) {
        lock.lock();
        try {
            return index.state(slot, g);
        } finally {
            lock.unlock();
        }
    }

    private boolean validRange(int slot, int g0, int gEnd) {
        for (int g = g0; g < gEnd; g++) {
            if (index.state(slot, g) == GranuleState.INVALID) {
                return false;
            }
        }
        return true;
    }

    private void damaged(long block, int slot, int granuleNo) {
        LOG.warn("cache {}: object {} granule {} does not match its CRC32C: read from the store instead",
                options.dir(), block, granuleNo);
    }

    private UncheckedIOException damagedDirty(long block, int granuleNo) {
        return new UncheckedIOException(new IOException("cache " + options.dir() + ": object " + block + " granule "
                + granuleNo + " (not yet uploaded) does not match its CRC32C: the cache disk returned damaged data"));
    }

    private int ceilGranules(int bytes) {
        return (bytes + granule - 1) / granule;
    }

    /** Runs blocking cache-file work on the cache's threads. */
    private <T> CompletableFuture<T> async(IoWork<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io);
    }

    @FunctionalInterface
    private interface IoWork<T> {
        T run() throws IOException;
    }

    /** A stack of free slot numbers. */
    private static final class IntStack {
        private final int[] items;
        private int size;

        IntStack(int capacity) {
            items = new int[capacity];
        }

        void push(int v) {
            items[size++] = v;
        }

        int pop() {
            return items[--size];
        }

        boolean isEmpty() {
            return size == 0;
        }

        int size() {
            return size;
        }
    }
}
