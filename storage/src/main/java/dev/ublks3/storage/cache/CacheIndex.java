package dev.ublks3.storage.cache;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The in-memory index: per slot its object (block number, -1 free), per granule INVALID/CLEAN/DIRTY and CRC32C,
 * the sequence number of the slot's last Write. Not thread-safe: {@link CacheLog} guards it with its lock.
 * Struct-of-arrays (primitive arrays, {@link BlockSlots} for block -> slot): a 10 GiB cache of 4 KiB objects is
 * 2.6 M slots.
 */
public final class CacheIndex {

    private final int slots;
    private final int granulesPerSlot;
    private final long[] blockOf;
    private final long[] lastWrite;
    /** The sequence number of the first Write since the slot was last clean; 0 when it holds no dirty granule. */
    private final long[] oldestDirty;

    private final byte[] states;
    private final int[] crcs;
    private final short[] dirtyCount;
    private final short[] validCount;
    private final BlockSlots blockSlots;
    private final DirtyQueue dirtyQueue;
    private long dirtyGranules;

    CacheIndex(int slots, int granulesPerSlot) {
        this(Image.empty(slots, granulesPerSlot));
    }

    /** An index holding {@code image}'s arrays (not copied); IllegalArgumentException when they do not fit. */
    CacheIndex(Image image) {
        this.slots = image.slots();
        this.granulesPerSlot = image.granulesPerSlot();
        if (granulesPerSlot < 1 || granulesPerSlot > Short.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "granules per slot " + granulesPerSlot + " out of 1.." + Short.MAX_VALUE);
        }
        this.blockOf = image.blockOf();
        this.lastWrite = image.lastWrite();
        this.oldestDirty = image.oldestDirty();
        this.states = image.states();
        this.crcs = image.crcs();
        this.dirtyCount = new short[slots];
        this.validCount = new short[slots];
        this.blockSlots = new BlockSlots(blockOf);
        this.dirtyQueue = new DirtyQueue(slots);
        for (int slot = 0; slot < slots; slot++) {
            count(slot);
        }
        dirtyQueue.rebuild(oldestDirty);
    }

    /** Adds up one slot of an image, checking what the arrays cannot say by their types. */
    private void count(int slot) {
        long block = blockOf[slot];
        if (block >= 0) {
            if (blockSlots.slotOf(block) >= 0) {
                throw new IllegalArgumentException("block " + block + " in two slots");
            }
            blockSlots.add(slot);
        }
        for (int g = 0; g < granulesPerSlot; g++) {
            byte s = states[slot * granulesPerSlot + g];
            if (s < 0 || s > GranuleState.DIRTY.ordinal() || (block < 0 && s != GranuleState.INVALID.ordinal())) {
                throw new IllegalArgumentException("granule " + g + " of slot " + slot + " has state " + s);
            }
            if (s != GranuleState.INVALID.ordinal()) {
                validCount[slot]++;
            }
            if (s == GranuleState.DIRTY.ordinal()) {
                dirtyCount[slot]++;
                dirtyGranules++;
            }
        }
        if ((dirtyCount[slot] > 0) != (oldestDirty[slot] > 0)) {
            throw new IllegalArgumentException("slot " + slot + " has " + dirtyCount[slot]
                    + " dirty granules and oldest dirty sequence " + oldestDirty[slot]);
        }
    }

    static int granuleCount(int slots, int granulesPerSlot) {
        long n = (long) slots * granulesPerSlot;
        if (slots < 1 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a cache of " + slots + " slots of " + granulesPerSlot
                    + " granules does not fit one index: give a smaller cache size");
        }
        return (int) n;
    }

    public int slots() {
        return slots;
    }

    public int granulesPerSlot() {
        return granulesPerSlot;
    }

    /** The slot holding {@code block}'s object, -1 when no slot holds it. */
    public int slotOf(long block) {
        return blockSlots.slotOf(block);
    }

    /** The block number of the slot's object, -1 when the slot is free. */
    public long blockOf(int slot) {
        return blockOf[slot];
    }

    public GranuleState state(int slot, int granule) {
        return GranuleState.of(states[at(slot, granule)]);
    }

    public boolean allValid(int slot) {
        return validCount[slot] == granulesPerSlot;
    }

    public boolean anyDirty(int slot) {
        return dirtyCount[slot] > 0;
    }

    /** The CRC32C of a valid granule (0 for an invalid one). */
    public int crc(int slot, int granule) {
        return crcs[at(slot, granule)];
    }

    /** The sequence number of the slot's last Write, 0 when none since it was assigned. */
    public long lastWrite(int slot) {
        return lastWrite[slot];
    }

    public int dirtySlots() {
        return dirtyQueue.size();
    }

    public long dirtyGranules() {
        return dirtyGranules;
    }

    /** The dirty slots by their oldest unuploaded write's sequence number, oldest first. */
    public int[] dirtySlotsInOrder() {
        return dirtyQueue.inOrder();
    }

    /** The dirty slots in the same order, to {@code visitor} until it returns false: no copy of the list. */
    public void forEachDirtySlot(IntPredicate visitor) {
        dirtyQueue.forEach(visitor);
    }

    /** The slot whose oldest unuploaded write is the oldest of all; -1 when none is dirty. */
    public int oldestDirtySlot() {
        return dirtyQueue.first();
    }

    /** The sequence number of the first Write since the slot was last clean; 0 when it is clean. */
    public long oldestDirtySequence(int slot) {
        return oldestDirty[slot];
    }

    private int at(int slot, int granule) {
        if (granule < 0 || granule >= granulesPerSlot) {
            throw new IndexOutOfBoundsException("granule " + granule + " of " + granulesPerSlot);
        }
        return slot * granulesPerSlot + granule;
    }

    /**
     * Throws when {@code r} may not be applied now: IllegalArgumentException for a slot or granule out of range,
     * IllegalStateException for a change the rules forbid (see {@link #apply}).
     */
    void check(CacheRecord r) {
        int slot = r.slot();
        if (slot < 0 || slot >= slots) {
            throw new IllegalArgumentException("slot " + slot + " out of 0.." + (slots - 1));
        }
        switch (r) {
            case CacheRecord.Assign a -> {
                if (a.block() < 0) {
                    throw new IllegalArgumentException("block " + a.block() + " is negative");
                }
                if (anyDirty(slot)) {
                    throw new IllegalStateException("slot " + slot + " holds dirty granules of block " + blockOf[slot]
                            + ": it cannot take block " + a.block());
                }
                int holder = slotOf(a.block());
                if (holder >= 0 && holder != slot) {
                    throw new IllegalStateException("block " + a.block() + " is already in slot " + holder);
                }
            }
            case CacheRecord.Write w -> checkGranules(slot, w.firstGranule(), w.crcs().length);
            case CacheRecord.Fill f -> {
                checkGranules(slot, f.firstGranule(), f.crcs().length);
                for (int g = f.firstGranule(); g < f.firstGranule() + f.crcs().length; g++) {
                    if (states[slot * granulesPerSlot + g] != GranuleState.INVALID.ordinal()) {
                        throw new IllegalStateException("fill of granule " + g + " of slot " + slot + ", which is "
                                + state(slot, g) + ": a fill takes invalid granules only");
                    }
                }
            }
            case CacheRecord.Clean c -> {
                if (c.upTo() < 0) {
                    throw new IllegalArgumentException("clean up to " + c.upTo() + " is negative");
                }
            }
            case CacheRecord.Free _ -> {}
        }
    }

    private void checkGranules(int slot, int first, int count) {
        if (first < 0 || count < 1 || first + count > granulesPerSlot) {
            throw new IllegalArgumentException(
                    "granules " + first + ".." + (first + count - 1) + " out of 0.." + (granulesPerSlot - 1));
        }
        if (blockOf[slot] < 0) {
            throw new IllegalStateException("slot " + slot + " is free: assign it a block first");
        }
    }

    /**
     * Applies {@code r}, appended with sequence number {@code seq}: Write over CLEAN/INVALID/DIRTY -> DIRTY; Fill
     * only over INVALID -> CLEAN; Clean(upTo): dirty -> clean iff the slot's last Write is at or before
     * {@code upTo}; Assign: the slot must be free or hold no dirty granule; Free: any slot (a trim may free a dirty
     * one). Throws as {@link #check} does, before changing anything.
     */
    void apply(long seq, CacheRecord r) {
        check(r);
        switch (r) {
            case CacheRecord.Assign a -> {
                free(a.slot());
                blockOf[a.slot()] = a.block();
                blockSlots.add(a.slot());
            }
            case CacheRecord.Write w -> write(seq, w.slot(), w.firstGranule(), w.crcs());
            case CacheRecord.Fill f -> {
                int base = f.slot() * granulesPerSlot + f.firstGranule();
                for (int i = 0; i < f.crcs().length; i++) {
                    states[base + i] = (byte) GranuleState.CLEAN.ordinal();
                    crcs[base + i] = f.crcs()[i];
                }
                validCount[f.slot()] += (short) f.crcs().length;
            }
            case CacheRecord.Clean c -> {
                if (anyDirty(c.slot()) && lastWrite[c.slot()] <= c.upTo()) {
                    markClean(c.slot());
                }
            }
            case CacheRecord.Free f -> free(f.slot());
        }
    }

    private void write(long seq, int slot, int first, int[] granuleCrcs) {
        if (!anyDirty(slot)) {
            oldestDirty[slot] = seq;
            dirtyQueue.append(slot);
        }
        int base = slot * granulesPerSlot + first;
        for (int i = 0; i < granuleCrcs.length; i++) {
            byte was = states[base + i];
            if (was == GranuleState.INVALID.ordinal()) {
                validCount[slot]++;
            }
            if (was != GranuleState.DIRTY.ordinal()) {
                dirtyCount[slot]++;
                dirtyGranules++;
            }
            states[base + i] = (byte) GranuleState.DIRTY.ordinal();
            crcs[base + i] = granuleCrcs[i];
        }
        lastWrite[slot] = seq;
    }

    private void markClean(int slot) {
        int base = slot * granulesPerSlot;
        for (int g = 0; g < granulesPerSlot; g++) {
            if (states[base + g] == GranuleState.DIRTY.ordinal()) {
                states[base + g] = (byte) GranuleState.CLEAN.ordinal();
            }
        }
        dirtyGranules -= dirtyCount[slot];
        dirtyCount[slot] = 0;
        oldestDirty[slot] = 0;
        dirtyQueue.remove(slot);
    }

    private void free(int slot) {
        if (blockOf[slot] >= 0) {
            blockSlots.remove(slot);
        }
        blockOf[slot] = -1;
        int base = slot * granulesPerSlot;
        Arrays.fill(states, base, base + granulesPerSlot, (byte) GranuleState.INVALID.ordinal());
        Arrays.fill(crcs, base, base + granulesPerSlot, 0);
        dirtyGranules -= dirtyCount[slot];
        dirtyCount[slot] = 0;
        validCount[slot] = 0;
        lastWrite[slot] = 0;
        oldestDirty[slot] = 0;
        dirtyQueue.remove(slot);
    }

    /** A copy of the persistent state, for a snapshot taken while appends go on. */
    Image image() {
        return new Image(
                slots,
                granulesPerSlot,
                blockOf.clone(),
                lastWrite.clone(),
                oldestDirty.clone(),
                states.clone(),
                crcs.clone());
    }

    /** The persistent state of an index: what a snapshot holds; the rest is derived from it. */
    record Image(
            int slots,
            int granulesPerSlot,
            long[] blockOf,
            long[] lastWrite,
            long[] oldestDirty,
            byte[] states,
            int[] crcs) {

        /** Every slot free. */
        static Image empty(int slots, int granulesPerSlot) {
            int granules = granuleCount(slots, granulesPerSlot);
            long[] free = new long[slots];
            Arrays.fill(free, -1);
            return new Image(
                    slots,
                    granulesPerSlot,
                    free,
                    new long[slots],
                    new long[slots],
                    new byte[granules],
                    new int[granules]);
        }
    }
}
