package dev.ublks3.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.*;
import java.util.Objects;

/**
 * {@code struct io_uring_getevents_arg} from {@code <linux/io_uring.h>}, in jextract's shape: {@link #layout()}, byte offsets
 * ({@code field$OFFSET}) and static accessors {@code field(segment)} / {@code field(segment, value)}.
 * The {@code field$at(segment, base, ...)} variants address a struct at byte offset {@code base} of a
 * larger segment (an array, or the command area of an SQE) without slicing.
 * Argument of {@code io_uring_enter} with {@code IORING_ENTER_EXT_ARG} (wait with a timeout).
 */
public final class io_uring_getevents_arg {
    private io_uring_getevents_arg() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        JAVA_LONG.withName("sigmask"),
        JAVA_INT.withName("sigmask_sz"),
        JAVA_INT.withName("pad"),
        JAVA_LONG.withName("ts")).withName("io_uring_getevents_arg");

    /** The layout of the struct. */
    public static final GroupLayout layout() { return $LAYOUT; }

    /** Size of the struct in bytes. */
    public static long sizeof() { return $LAYOUT.byteSize(); }

    /** A zeroed struct from {@code allocator}. */
    public static MemorySegment allocate(SegmentAllocator allocator) { return allocator.allocate($LAYOUT); }

    private static final ValueLayout.OfLong sigmask$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("sigmask"));
    public static final long sigmask$OFFSET = $LAYOUT.byteOffset(groupElement("sigmask"));
    public static long sigmask(MemorySegment s) { return s.get(sigmask$LAYOUT, sigmask$OFFSET); }
    public static void sigmask(MemorySegment s, long v) { s.set(sigmask$LAYOUT, sigmask$OFFSET, v); }
    public static long sigmask$at(MemorySegment s, long base) { return s.get(sigmask$LAYOUT, base + sigmask$OFFSET); }
    public static void sigmask$at(MemorySegment s, long base, long v) { s.set(sigmask$LAYOUT, base + sigmask$OFFSET, v); }

    private static final ValueLayout.OfInt sigmask_sz$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("sigmask_sz"));
    public static final long sigmask_sz$OFFSET = $LAYOUT.byteOffset(groupElement("sigmask_sz"));
    public static int sigmask_sz(MemorySegment s) { return s.get(sigmask_sz$LAYOUT, sigmask_sz$OFFSET); }
    public static void sigmask_sz(MemorySegment s, int v) { s.set(sigmask_sz$LAYOUT, sigmask_sz$OFFSET, v); }
    public static int sigmask_sz$at(MemorySegment s, long base) { return s.get(sigmask_sz$LAYOUT, base + sigmask_sz$OFFSET); }
    public static void sigmask_sz$at(MemorySegment s, long base, int v) { s.set(sigmask_sz$LAYOUT, base + sigmask_sz$OFFSET, v); }

    private static final ValueLayout.OfInt pad$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("pad"));
    public static final long pad$OFFSET = $LAYOUT.byteOffset(groupElement("pad"));
    public static int pad(MemorySegment s) { return s.get(pad$LAYOUT, pad$OFFSET); }
    public static void pad(MemorySegment s, int v) { s.set(pad$LAYOUT, pad$OFFSET, v); }
    public static int pad$at(MemorySegment s, long base) { return s.get(pad$LAYOUT, base + pad$OFFSET); }
    public static void pad$at(MemorySegment s, long base, int v) { s.set(pad$LAYOUT, base + pad$OFFSET, v); }

    private static final ValueLayout.OfLong ts$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("ts"));
    public static final long ts$OFFSET = $LAYOUT.byteOffset(groupElement("ts"));
    public static long ts(MemorySegment s) { return s.get(ts$LAYOUT, ts$OFFSET); }
    public static void ts(MemorySegment s, long v) { s.set(ts$LAYOUT, ts$OFFSET, v); }
    public static long ts$at(MemorySegment s, long base) { return s.get(ts$LAYOUT, base + ts$OFFSET); }
    public static void ts$at(MemorySegment s, long base, long v) { s.set(ts$LAYOUT, base + ts$OFFSET, v); }

}
