package dev.ublks3.storage.cache;

import java.util.Arrays;

/**
 * The block -> slot map of a {@link CacheIndex}: open addressing with linear probing over slot numbers only, the
 * key of an entry being {@code blockOf[slot]}, so a 2.6 M slot cache costs one int per table entry, not a boxed
 * map entry. Deletion shifts the following run back (no tombstones), so lookups never slow down with churn.
 */
final class BlockSlots {

    private static final int EMPTY = -1;

    private final long[] blockOf;
    private final int[] table;
    private final int mask;

    /** {@code blockOf} is the index's own array: the map reads keys from it and never writes it. */
    BlockSlots(long[] blockOf) {
        this.blockOf = blockOf;
        // at most 2/3 full when every slot holds a block
        int capacity = Integer.highestOneBit(Math.max(4, blockOf.length * 3 / 2) - 1) << 1;
        this.table = new int[capacity];
        this.mask = capacity - 1;
        Arrays.fill(table, EMPTY);
    }

    private int home(long block) {
        long h = block * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    int slotOf(long block) {
        for (int i = home(block); ; i = (i + 1) & mask) {
            int slot = table[i];
            if (slot == EMPTY) {
                return -1;
            }
            if (blockOf[slot] == block) {
                return slot;
            }
        }
    }

    /** Adds {@code slot}, whose {@code blockOf} entry is already set and held by no other slot. */
    void add(int slot) {
        int i = home(blockOf[slot]);
        while (table[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        table[i] = slot;
    }

    /** Removes {@code slot}, before its {@code blockOf} entry changes. */
    void remove(int slot) {
        int i = home(blockOf[slot]);
        while (table[i] != slot) {
            i = (i + 1) & mask;
        }
        // shift back every later entry of the run that may sit at or before the hole
        int hole = i;
        for (int j = (hole + 1) & mask; table[j] != EMPTY; j = (j + 1) & mask) {
            int home = home(blockOf[table[j]]);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = EMPTY;
    }
}
