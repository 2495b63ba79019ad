package dev.ublks3.ublk;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A bounded lock-free multi-producer single-consumer queue of tags: how completions computed on other threads
 * reach the queue thread. At most one completion per tag is pending at a time (a tag is reused only after the
 * queue thread committed it), so a capacity of {@code depth} (rounded up to a power of two) never fills.
 * No allocation after construction.
 *
 * <p>Producers claim a slot by incrementing {@code tail}, then publish the tag in it; the consumer reads slots in
 * order and clears them. A claimed but not yet published slot makes the consumer wait for it (a few instructions).
 */
final class TagQueue {
    private static final int EMPTY = -1;

    private final AtomicIntegerArray slots;
    private final int mask;
    private final AtomicInteger tail = new AtomicInteger();
    private int head; // the consumer's only

    TagQueue(int depth) {
        int capacity = Integer.highestOneBit(Math.max(1, depth - 1)) << 1;
        if (capacity < depth) capacity = depth; // depth 1
        this.slots = new AtomicIntegerArray(capacity);
        this.mask = capacity - 1;
        for (int i = 0; i < capacity; i++) slots.set(i, EMPTY);
    }

    int capacity() {
        return mask + 1;
    }

    /** Adds a tag; any thread. */
    void offer(int tag) {
        int slot = tail.getAndIncrement() & mask;
        // the slot's previous tag was taken already (at most depth pending); a consumer clearing it late is waited for
        while (!slots.compareAndSet(slot, EMPTY, tag)) Thread.onSpinWait();
    }

    /** True when a tag was offered and not yet polled; the consumer thread only. */
    boolean isEmpty() {
        return tail.get() == head;
    }

    /** The next tag, or -1 when empty; the consumer thread only. */
    int poll() {
        if (tail.get() == head) return EMPTY;
        int slot = head & mask;
        int tag;
        while ((tag = slots.get(slot)) == EMPTY) Thread.onSpinWait(); // claimed, being published
        slots.set(slot, EMPTY);
        head++;
        return tag;
    }
}
