package dev.ublks3.storage.cache;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The dirty slots of a {@link CacheIndex} in the order they became dirty: an intrusive doubly linked list over
 * slot numbers. A slot becomes dirty at a Write with a sequence number above every earlier one, so appending at
 * the tail keeps the list sorted by each slot's oldest unuploaded write without ever sorting.
 */
final class DirtyQueue {

    private static final int NONE = -1;

    private final int[] prev;
    private final int[] next;
    private final boolean[] queued;
    private int head = NONE;
    private int tail = NONE;
    private int size;

    DirtyQueue(int slots) {
        prev = new int[slots];
        next = new int[slots];
        queued = new boolean[slots];
    }

    int size() {
        return size;
    }

    void append(int slot) {
        prev[slot] = tail;
        next[slot] = NONE;
        if (tail == NONE) {
            head = slot;
        } else {
            next[tail] = slot;
        }
        tail = slot;
        queued[slot] = true;
        size++;
    }

    void remove(int slot) {
        if (!queued[slot]) {
            return;
        }
        int p = prev[slot];
        int n = next[slot];
        if (p == NONE) {
            head = n;
        } else {
            next[p] = n;
        }
        if (n == NONE) {
            tail = p;
        } else {
            prev[n] = p;
        }
        queued[slot] = false;
        size--;
    }

    /** The slot that became dirty first, or -1 when none is dirty. */
    int first() {
        return head;
    }

    /** Visits the slots in order until {@code visitor} returns false; the queue must not change meanwhile. */
    void forEach(IntPredicate visitor) {
        for (int s = head; s != NONE && visitor.test(s); s = next[s]) {}
    }

    int[] inOrder() {
        int[] slots = new int[size];
        int i = 0;
        for (int s = head; s != NONE; s = next[s]) {
            slots[i++] = s;
        }
        return slots;
    }

    /** Rebuilds the queue from each slot's oldest dirty sequence (0: clean), as after loading a snapshot. */
    void rebuild(long[] oldestDirty) {
        Arrays.fill(queued, false);
        head = tail = NONE;
        size = 0;
        int dirty = 0;
        for (long seq : oldestDirty) {
            if (seq != 0) {
                dirty++;
            }
        }
        long[] keys = new long[dirty];
        int[] slots = new int[dirty];
        int k = 0;
        for (int slot = 0; slot < oldestDirty.length; slot++) {
            if (oldestDirty[slot] != 0) {
                keys[k] = oldestDirty[slot];
                slots[k++] = slot;
            }
        }
        Integer[] order = new Integer[dirty];
        for (int i = 0; i < dirty; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(keys[a], keys[b]));
        for (int i : order) {
            append(slots[i]);
        }
    }
}
