package dev.ublks3.storage.cache;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Which cached slot to give up first: a segmented LRU over slot numbers. What always holds:
 *
 * <ul>
 *   <li>A slot is in at most one segment. A slot enters <em>probation</em>; a hit while in probation moves it to
 *       <em>protected</em>, whose size is capped: its least recently used slot then moves back to probation.</li>
 *   <li>{@link #victim} offers probation's least recently used slots first, then protected's, and skips slots the
 *       caller refuses (dirty or busy).</li>
 *   <li>A cold insert (streaming I/O) goes to probation's least recently used end: a stream passing through is
 *       the first thing given up, and never displaces a slot that was hit twice.</li>
 * </ul>
 *
 * Not thread-safe: the cache's lock guards it. O(1) per call except {@link #victim}'s skips.
 */
final class SegmentedLru {

    private static final int NONE = -1;
    private static final byte OUT = 0;
    private static final byte PROBATION = 1;
    private static final byte PROTECTED = 2;

    private final int[] prev;
    private final int[] next;
    private final byte[] segment;
    private final List probation = new List();
    private final List protectedList = new List();
    private final int protectedCap;

    /** @param protectedShare the largest share of {@code slots} protected may hold (0..1) */
    SegmentedLru(int slots, double protectedShare) {
        prev = new int[slots];
        next = new int[slots];
        segment = new byte[slots];
        Arrays.fill(prev, NONE);
        Arrays.fill(next, NONE);
        protectedCap = Math.max(1, (int) (slots * protectedShare));
    }

    /** A slot just filled or written: probation's hot end, or its cold end when {@code cold}. */
    void insert(int slot, boolean cold) {
        remove(slot);
        if (cold) {
            probation.addCold(slot);
        } else {
            probation.addHot(slot);
        }
        segment[slot] = PROBATION;
    }

    /** A hit: probation moves to protected, protected moves to its hot end. A slot not tracked is inserted. */
    void hit(int slot) {
        switch (segment[slot]) {
            case OUT -> insert(slot, false);
            case PROBATION -> {
                probation.unlink(slot);
                protectedList.addHot(slot);
                segment[slot] = PROTECTED;
                if (protectedList.size > protectedCap) {
                    int demoted = protectedList.head; // its least recently used
                    protectedList.unlink(demoted);
                    probation.addHot(demoted);
                    segment[demoted] = PROBATION;
                }
            }
            default -> {
                protectedList.unlink(slot);
                protectedList.addHot(slot);
            }
        }
    }

    /** Forgets the slot (freed). */
    void remove(int slot) {
        switch (segment[slot]) {
            case PROBATION -> probation.unlink(slot);
            case PROTECTED -> protectedList.unlink(slot);
            default -> {
                return;
            }
        }
        segment[slot] = OUT;
    }

    /** The least recently used slot {@code allowed} accepts, probation first; -1 when none does. */
    int victim(IntPredicate allowed) {
        for (List list : new List[] {probation, protectedList}) {
            for (int s = list.head; s != NONE; s = next[s]) {
                if (allowed.test(s)) {
                    return s;
                }
            }
        }
        return NONE;
    }

    boolean isProtected(int slot) {
        return segment[slot] == PROTECTED;
    }

    int size() {
        return probation.size + protectedList.size;
    }

    /** A doubly linked list over the shared prev/next arrays: head is the least recently used end. */
    private final class List {
        int head = NONE;
        int tail = NONE;
        int size;

        void addHot(int s) {
            link(s, tail, NONE);
        }

        void addCold(int s) {
            link(s, NONE, head);
        }

        /** Links {@code s} between {@code before} and {@code after}, neighbours or NONE at an end. */
        private void link(int s, int before, int after) {
            prev[s] = before;
            next[s] = after;
            if (before != NONE) {
                next[before] = s;
            } else {
                head = s;
            }
            if (after != NONE) {
                prev[after] = s;
            } else {
                tail = s;
            }
            size++;
        }

        void unlink(int s) {
            if (prev[s] != NONE) {
                next[prev[s]] = next[s];
            } else {
                head = next[s];
            }
            if (next[s] != NONE) {
                prev[next[s]] = prev[s];
            } else {
                tail = prev[s];
            }
            prev[s] = NONE;
            next[s] = NONE;
            size--;
        }
    }
}
