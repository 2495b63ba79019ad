package dev.ublks3.storage.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the cache layer keeps of each slot beside the index: the operations and the upload holding it, its
 * incarnation, when it was last written and first made dirty, when its upload may be tried again; the free slots,
 * the segmented LRU of the others, and the writers waiting for room. Called holding the cache lock, but for
 * {@link #release} (take and free refuse to run without it). What always holds:
 *
 * <ul>
 *   <li>A slot is free (on the free stack, in no LRU segment, holding no object) or holds an object and is in
 *       the LRU.</li>
 *   <li>A victim is a slot no operation holds, no upload holds, and with no dirty granule: dirty data is never
 *       given up for room (docs/cache.md, invariant 3).</li>
 *   <li>Taking or freeing a slot changes its incarnation: work planned on what it held before (an upload's Clean,
 *       a drain's wait) can tell it is void.</li>
 *   <li>Writers waiting for room are all woken when a clean slot is no longer held (or an upload is done, see
 *       {@link CacheUploader}); a woken writer tries again, and may wait again.</li>
 * </ul>
 */
final class CacheSlots {

    private static final long NOT_DIRTY = Long.MIN_VALUE;

    private final CacheLog log;
    private final CacheIndex index;
    private final ReentrantLock lock;
    private final SegmentedLru lru;
    private final FreeSlots free;
    private final int[] busy;
    private final boolean[] uploading;
    private final long[] incarnation;
    private final long[] lastWriteNanos;
    private final long[] firstDirtyNanos;
    private final long[] retryAfterNanos;
    private final List<CompletableFuture<Void>> waiters = new ArrayList<>();

    /**
     * The slots as the log's index holds them; dirty ones (left by a crash or a close) are made due for upload at
     * once: as if first written {@code maxAgeNanos} before {@code nowNanos}.
     */
    CacheSlots(CacheLog log, long nowNanos, long maxAgeNanos) {
        this.log = log;
        this.index = log.index();
        this.lock = log.lock();
        int slots = index.slots();
        lru = new SegmentedLru(slots, 0.8);
        free = new FreeSlots(slots);
        busy = new int[slots];
        uploading = new boolean[slots];
        incarnation = new long[slots];
        lastWriteNanos = new long[slots];
        firstDirtyNanos = new long[slots];
        Arrays.fill(firstDirtyNanos, NOT_DIRTY);
        retryAfterNanos = new long[slots];
        for (int s = slots - 1; s >= 0; s--) {
            if (index.blockOf(s) < 0) {
                free.push(s);
            } else {
                lru.insert(s, false);
                if (index.anyDirty(s)) {
                    lastWriteNanos[s] = nowNanos - maxAgeNanos - 1;
                    firstDirtyNanos[s] = lastWriteNanos[s];
                }
            }
        }
    }

    // ---- taking and giving up slots ----

    /**
     * A slot assigned to {@code block}: a free one, else the least recently used victim; -1 when there is none.
     * {@code cold}: streaming I/O, given up first. The Assign failing: UncheckedIOException.
     */
    int take(long block, boolean cold) {
        requireLock("take");
        int slot = free.isEmpty() ? lru.victim(this::isVictim) : free.pop();
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
        retryAfterNanos[slot] = 0; // a failed upload of what it held before says nothing of its new object
        return slot;
    }

    private boolean isVictim(int slot) {
        return busy[slot] == 0 && !uploading[slot] && !index.anyDirty(slot);
    }

    /** The slot holds nothing now (a Free record); true if it had dirty granules. */
    boolean free(int slot) throws IOException {
        requireLock("free");
        boolean dirty = index.anyDirty(slot);
        log.free(slot);
        incarnation[slot]++;
        lru.remove(slot);
        free.push(slot);
        firstDirtyNanos[slot] = NOT_DIRTY;
        return dirty;
    }

    /** Taking and freeing change the LRU, the free stack and the index together: never without the lock. */
    private void requireLock(String what) {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("cache slot " + what + " called without the cache lock: take it first");
        }
    }

    /** Slots holding an object. */
    int inUse() {
        return index.slots() - free.size();
    }

    long incarnation(int slot) {
        return incarnation[slot];
    }

    // ---- operations holding a slot ----

    /** An operation holds the slot until it calls {@link #release}: it is no victim meanwhile. */
    void pin(int slot) {
        busy[slot]++;
    }

    /** Not under the lock: the operation holding the slot is done; if it is clean, waiting writers may take it. */
    void release(int slot) {
        if (slot < 0) {
            return;
        }
        List<CompletableFuture<Void>> wake = List.of();
        lock.lock();
        try {
            if (--busy[slot] == 0 && !waiters.isEmpty() && !index.anyDirty(slot)) {
                wake = takeWaiters();
            }
        } finally {
            lock.unlock();
        }
        wake.forEach(w -> w.complete(null));
    }

    /** A read served from the slot. */
    void hit(int slot) {
        lru.hit(slot);
    }

    /** A write into the slot at {@code nowNanos}; {@code streaming} writes are the first given up once clean. */
    void written(int slot, long nowNanos, boolean streaming) {
        if (firstDirtyNanos[slot] == NOT_DIRTY) {
            firstDirtyNanos[slot] = nowNanos;
        }
        lastWriteNanos[slot] = nowNanos;
        if (streaming) {
            lru.insert(slot, true);
        } else {
            lru.hit(slot);
        }
    }

    // ---- writers waiting for room ----

    /** A future completed when room may have come (the caller asks the uploader to hurry). */
    CompletableFuture<Void> waitForRoom() {
        CompletableFuture<Void> room = new CompletableFuture<>();
        waiters.add(room);
        return room;
    }

    boolean anyWaiting() {
        return !waiters.isEmpty();
    }

    /** Every waiting writer, no longer waiting: the caller completes them once it has let go of the lock. */
    List<CompletableFuture<Void>> takeWaiters() {
        List<CompletableFuture<Void>> wake = new ArrayList<>(waiters);
        waiters.clear();
        return wake;
    }

    // ---- dirty ages and uploads ----

    /** How long since the slot's last write. */
    long quietFor(int slot, long nowNanos) {
        return nowNanos - lastWriteNanos[slot];
    }

    /** How long since the slot's oldest write not yet uploaded. */
    long dirtyFor(int slot, long nowNanos) {
        return nowNanos - firstDirtyNanos[slot];
    }

    /** An upload of the slot may start now: none is in flight, and a failed one's wait is over. */
    boolean mayUpload(int slot, long nowNanos) {
        return !uploading[slot] && nowNanos >= retryAfterNanos[slot];
    }

    void uploadStarted(int slot) {
        uploading[slot] = true;
    }

    /** The upload is over; a failed one is not tried again before {@code retryAtNanos}. */
    void uploadFailed(int slot, long retryAtNanos) {
        uploading[slot] = false;
        retryAfterNanos[slot] = retryAtNanos;
    }

    void uploadDone(int slot) {
        uploading[slot] = false;
    }

    /** A Clean was applied: if the slot is clean now, its next write starts a new dirty age. */
    void cleaned(int slot) {
        if (!index.anyDirty(slot)) {
            firstDirtyNanos[slot] = NOT_DIRTY;
        }
    }

    /** A stack of free slot numbers. */
    private static final class FreeSlots {
        private final int[] items;
        private int size;

        FreeSlots(int capacity) {
            items = new int[capacity];
        }

        void push(int slot) {
            items[size++] = slot;
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
