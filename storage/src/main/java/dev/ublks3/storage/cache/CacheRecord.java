package dev.ublks3.storage.cache;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A change of the index; appended to the WAL, then applied (live and in replay by the same CacheIndex.apply). */
public sealed interface CacheRecord {

    int slot();

    /** The slot now holds object {@code block}, nothing valid yet. */
    record Assign(int slot, long block) implements CacheRecord {}

    /** Granules {@code firstGranule..} written by the device (dirty); the data travels in the record. */
    record Write(int slot, int firstGranule, int[] crcs, ByteBuffer data) implements CacheRecord {

        @Override
        public boolean equals(Object o) {
            return o instanceof Write w
                    && slot == w.slot
                    && firstGranule == w.firstGranule
                    && Arrays.equals(crcs, w.crcs)
                    && data.equals(w.data);
        }

        @Override
        public int hashCode() {
            return (slot * 31 + firstGranule) * 31 + Arrays.hashCode(crcs);
        }

        @Override
        public String toString() {
            return "Write[slot=" + slot + ", firstGranule=" + firstGranule + ", granules=" + crcs.length + ", bytes="
                    + data.remaining() + "]";
        }
    }

    /** Granules {@code firstGranule..} read from the store into the slot (clean); the data is only in the slot. */
    record Fill(int slot, int firstGranule, int[] crcs) implements CacheRecord {

        @Override
        public boolean equals(Object o) {
            return o instanceof Fill f
                    && slot == f.slot
                    && firstGranule == f.firstGranule
                    && Arrays.equals(crcs, f.crcs);
        }

        @Override
        public int hashCode() {
            return (slot * 31 + firstGranule) * 31 + Arrays.hashCode(crcs);
        }

        @Override
        public String toString() {
            return "Fill[slot=" + slot + ", firstGranule=" + firstGranule + ", crcs=" + Arrays.toString(crcs) + "]";
        }
    }

    /** The object as of sequence {@code upTo} is in the store: dirty granules become clean unless written after it. */
    record Clean(int slot, long upTo) implements CacheRecord {}

    /** The slot holds nothing (evicted, or its object trimmed). */
    record Free(int slot) implements CacheRecord {}
}
